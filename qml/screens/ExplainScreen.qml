import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// "What will happen", from the seeds' steps, with an explicit start.
StepPage {
    title: qsTr("Renewing your keys: what will happen")
    // A new key made on an earlier visit is sent again: nothing to draw, nothing generated.
    Repeater {
        model: Journey.keyOnToken ? [
            qsTr("You enter your token's PIN on the keypad on this screen."),
            qsTr("Your new key pair is already on your token, from your last visit: it is used again. Your current keys keep working."),
            qsTr("The request, signed with your current key, is sent to the bank."),
            qsTr("When the bank registers it, the new certificate is written to your token. If the bank needs time, you may leave and come back later: your request is kept.")
        ] : [
            qsTr("You enter your token's PIN on the keypad on this screen."),
            qsTr("You draw on the screen with your finger. This makes your new keys unpredictable."),
            qsTr("A new key pair is generated on your token. Your current keys stay on it and keep working."),
            qsTr("The request, signed with your current key, is sent to the bank."),
            qsTr("When the bank registers it, the new certificate is written to your token. If the bank needs time, you may leave and come back later: your request is kept.")
        ]
        Row {
            width: parent.width
            spacing: 16
            Rectangle {
                width: 44; height: 44; radius: 22
                color: Theme.accent
                PlainText {
                    anchors.centerIn: parent
                    text: index + 1
                    font.pixelSize: Theme.bodySize
                    font.bold: true
                    color: Theme.textOnAccent
                }
            }
            PlainText {
                width: parent.width - 60
                anchors.verticalCenter: parent.verticalCenter
                wrapMode: Text.WordWrap
                text: modelData
                font.pixelSize: Theme.bodySize - 2
                color: Theme.text
            }
        }
    }
    buttons: [
        KioskButton { objectName: "cancelButton"; text: qsTr("Cancel"); onClicked: Journey.cancel() },
        KioskButton { objectName: "startButton"; text: qsTr("Start"); primary: true; onClicked: Journey.confirm() }
    ]
}
