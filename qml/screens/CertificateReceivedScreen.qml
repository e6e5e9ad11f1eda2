import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

StepPage {
    title: qsTr("Certificate received")
    body: qsTr("The bank registered your new key. The new certificate has been written to your token.")
    buttons: [
        KioskButton { objectName: "continueButton"; text: qsTr("Continue"); primary: true; onClicked: Journey.acknowledge() }
    ]
}
