import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0

RowLayout {
    property alias name: nameText.text
    property alias value: valueText.text
    spacing: 16
    Text {
        id: nameText
        Layout.preferredWidth: 300
        wrapMode: Text.WordWrap
        font.family: Theme.fontFamily
        font.pixelSize: Theme.smallSize
        color: Theme.mutedText
    }
    Text {
        id: valueText
        Layout.fillWidth: true
        wrapMode: Text.WrapAnywhere
        font.family: Theme.fontFamily
        font.pixelSize: Theme.smallSize
        font.bold: true
        color: Theme.text
    }
}
