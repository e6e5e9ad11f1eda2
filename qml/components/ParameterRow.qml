import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0

RowLayout {
    property alias name: nameText.text
    property alias value: valueText.text
    visible: value !== "" // a token without a certificate has no parameters to show
    spacing: 16
    Text {
        id: nameText
        Layout.preferredWidth: 400 // long enough for the Kazakh labels on one line
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
