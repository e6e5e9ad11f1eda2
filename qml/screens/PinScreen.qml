import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// The PIN on the on-screen keypad; the pad reports positions, PinPad (C++) keeps the PIN.
StepPage {
    title: Journey.kind === KK.StaffLogin ? qsTr("Staff: enter the PIN of your staff token")
           : Journey.kind === KK.StaffRecovery ? qsTr("Client: enter the PIN of your own token")
           : Journey.resuming ? qsTr("Enter your PIN to pick up your certificate") : qsTr("Enter your token's PIN")
    body: Journey.errorId !== "" ? Journey.message
          : Journey.kind === KK.StaffRecovery ? qsTr("Staff, please look away. Cover the keypad with your hand: the keys are in a new order each time.")
          : qsTr("Cover the keypad with your hand. The keys are in a new order each time.")
    critical: Journey.errorId !== ""
    PinPad { anchors.horizontalCenter: parent.horizontalCenter }
    buttons: [
        KioskButton { objectName: "cancelButton"; text: qsTr("Cancel"); onClicked: Journey.cancel() }
    ]
}
