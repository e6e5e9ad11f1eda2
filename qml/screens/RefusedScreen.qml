import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// "Получен отказ в регистрации", with the bank's reason; the client may start a new request.
StepPage {
    title: qsTr("The bank refused the registration")
    body: qsTr("Your current keys still work. You may start a new request.")
    critical: true
    Rectangle {
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width, 800)
        height: reasonColumn.height + 32
        radius: 8
        color: Theme.criticalBackground
        border.color: Theme.critical
        border.width: 2
        Column {
            id: reasonColumn
            x: 20; y: 16
            width: parent.width - 40
            spacing: 8
            PlainText {
                text: qsTr("The bank's reason:")
                font.pixelSize: Theme.smallSize
                font.bold: true
                color: Theme.critical
            }
            PlainText {
                objectName: "bankReason"
                width: parent.width
                wrapMode: Text.WordWrap
                text: Journey.bankReason
                font.pixelSize: Theme.bodySize
                color: Theme.text
            }
        }
    }
    buttons: [
        KioskButton { objectName: "closeButton"; text: qsTr("Back"); onClicked: Journey.close() },
        // A staff recovery starts again from the token screen, with its checklist.
        KioskButton { objectName: "newRequestButton"; visible: Journey.kind === KK.ClientRenewal; text: qsTr("New request"); primary: true; onClicked: Journey.newRequest() }
    ]
}
