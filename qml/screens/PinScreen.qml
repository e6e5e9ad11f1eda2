import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// The PIN on the on-screen keypad; the pad reports positions, PinPad (C++) keeps the PIN.
StepPage {
    title: Journey.resuming ? qsTr("Enter your PIN to pick up your certificate") : qsTr("Enter your token's PIN")
    body: Journey.errorId !== "" ? Journey.message : qsTr("Cover the keypad with your hand. The keys are in a new order each time.")
    critical: Journey.errorId !== ""
    PinPad { anchors.horizontalCenter: parent.horizontalCenter }
    buttons: [
        KioskButton { objectName: "cancelButton"; text: qsTr("Cancel"); onClicked: Journey.cancel() }
    ]
}
