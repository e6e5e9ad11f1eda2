import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0

// Staff mode, unmistakable on every screen: who is logged in, staff mode's own idle countdown,
// and the button that ends it. Shown only while a staff member is logged in.
Rectangle {
    objectName: "staffBanner"
    visible: Staff.active
    implicitHeight: visible ? Theme.touchTarget + 16 : 0
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
        PlainText {
            id: staffText
            objectName: "staffName"
            Layout.fillWidth: true
            elide: Text.ElideRight
            text: Staff.title !== "" ? qsTr("Staff mode: %1, %2").arg(Staff.name).arg(Staff.title)
                                     : qsTr("Staff mode: %1").arg(Staff.name)
            font.pixelSize: Theme.bodySize
            font.bold: true
            color: Theme.contrast ? "#ffff00" : "#ffffff"
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
