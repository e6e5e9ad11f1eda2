import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0

// Staff mode, unmistakable on every screen: who is logged in, staff mode's own idle countdown,
// and the button that ends it. Shown only while a staff member is logged in.
Rectangle {
    objectName: "staffBanner"
    visible: Staff.active
    implicitHeight: visible ? Theme.touchTarget + 8 : 0
    color: Theme.contrast ? "#000000" : "#6a1b9a"
    border.color: Theme.contrast ? "#ffff00" : "transparent"
    border.width: 3
    Accessible.role: Accessible.StaticText
    Accessible.name: staffText.text

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.margin
        spacing: 16
        Column {
            Layout.fillWidth: true
            PlainText {
                text: qsTr("Staff mode")
                font.pixelSize: Theme.smallSize - 2
                color: Theme.contrast ? "#ffff00" : "#e1bee7"
            }
            PlainText {
                id: staffText
                objectName: "staffName"
                width: parent.width
                elide: Text.ElideRight
                text: Staff.title !== "" ? qsTr("%1, %2").arg(Staff.name).arg(Staff.title) : Staff.name
                font.pixelSize: Theme.bodySize - 2
                font.bold: true
                color: Theme.contrast ? "#ffff00" : "#ffffff"
            }
        }
        PlainText {
            objectName: "staffCountdown"
            visible: Staff.countingDown
            text: qsTr("Staff mode ends in %n s", "", Staff.secondsLeft)
            font.pixelSize: Theme.smallSize
            font.bold: true
            color: Theme.contrast ? "#ffff00" : "#ffffff"
        }
        KioskButton {
            objectName: "endStaffMode"
            text: qsTr("End staff mode")
            onClicked: Staff.endStaffMode()
        }
    }
}
