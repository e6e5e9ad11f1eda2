import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// The attract screen: what the kiosk is for, and "insert your token".
Item {
    // A Column, not a ColumnLayout: wrapped text inside layouts makes them re-arrange in a loop.
    Column {
        id: content
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        spacing: 28

        Rectangle {
            objectName: "removedNotice"
            visible: Kiosk.journeyInterrupted // after a finished renewal, removing it is the plan
            width: content.width
            implicitHeight: removedText.implicitHeight + 24
            radius: 8
            color: Theme.criticalBackground
            border.color: Theme.critical
            border.width: 2
            PlainText {
                id: removedText
                anchors.centerIn: parent
                width: parent.width - 32
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("The token was removed before the renewal finished.") + " " + Journey.aftermathText + " " + qsTr("Insert the token again to continue.")
                font.pixelSize: Theme.bodySize
                color: Theme.critical
            }
        }
        Rectangle {
            objectName: "timedOutNotice"
            visible: Kiosk.sessionTimedOut
            width: content.width
            implicitHeight: timedOutText.implicitHeight + 24
            radius: 8
            color: Theme.selection
            border.color: Theme.accent
            border.width: 2
            PlainText {
                id: timedOutText
                anchors.centerIn: parent
                width: parent.width - 32
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("Your session ended because nothing happened for a while. Remove your token, then insert it again to continue.")
                font.pixelSize: Theme.bodySize
                color: Theme.text
            }
        }
        TokenPicture { anchors.horizontalCenter: parent.horizontalCenter }
        PlainText {
            objectName: "title"
            width: content.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Insert your token")
            font.pixelSize: Theme.titleSize + 8
            font.bold: true
            color: Theme.text
        }
        PlainText {
            width: content.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Here you can renew the signing keys of your remote banking system and pick up your new certificate. Insert the USB token with your keys into the reader.")
            font.pixelSize: Theme.bodySize
            color: Theme.mutedText
        }
    }
}
