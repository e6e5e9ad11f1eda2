import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0

RowLayout {
    property alias name: nameText.text
    property alias value: valueText.text
    visible: value !== "" // a token without a certificate has no parameters to show
    spacing: 16
    PlainText {
        id: nameText
        Layout.preferredWidth: 400 // long enough for the Kazakh labels on one line
        wrapMode: Text.WordWrap
        font.pixelSize: Theme.smallSize
        color: Theme.mutedText
    }
    PlainText {
        id: valueText
        Layout.fillWidth: true
        wrapMode: Text.WrapAnywhere
        font.pixelSize: Theme.smallSize
        font.bold: true
        color: Theme.text
    }
}
