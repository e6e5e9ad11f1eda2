import QtQuick 2.15
import KeyKiosk 1.0

// The idle countdown over any screen: any touch continues the session (IdleWatch sees it).
Rectangle {
    id: overlay
    objectName: "idleOverlay"
    visible: Idle.countingDown
    color: Qt.rgba(0, 0, 0, 0.6)
    MouseArea {
        anchors.fill: parent
        onClicked: Idle.poke()
        Accessible.role: Accessible.Button
        Accessible.name: qsTr("Continue the session")
        Accessible.onPressAction: Idle.poke()
    }
    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 760)
        height: column.height + 64
        radius: 12
        color: Theme.surface
        border.color: Theme.border
        border.width: 2
        Column {
            id: column
            anchors.centerIn: parent
            width: parent.width - 64
            spacing: 24
            PlainText {
                objectName: "idleTitle"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("Are you still there?")
                font.pixelSize: Theme.titleSize - 4
                font.bold: true
                color: Theme.text
            }
            PlainText {
                objectName: "idleCountdown"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("For your security the session ends in %n second(s).", "", Idle.secondsLeft)
                font.pixelSize: Theme.bodySize
                color: Theme.mutedText
            }
            KioskButton {
                objectName: "stillHereButton"
                anchors.horizontalCenter: parent.horizontalCenter
                primary: true
                text: qsTr("Continue")
                onClicked: Idle.poke()
            }
        }
    }
}
