import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0

// On every screen: the product name, the language switch and the contrast toggle.
Rectangle {
    implicitHeight: Theme.touchTarget + 24
    color: Theme.contrast ? "#000000" : "#0b2f57"
    border.color: Theme.contrast ? "#ffffff" : "transparent"

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.margin
        spacing: 12

        PlainText {
            text: qsTr("Key renewal kiosk")
            font.pixelSize: Theme.bodySize
            font.bold: true
            color: "#ffffff"
            Layout.fillWidth: true
        }
        Repeater {
            model: Language.languages
            KioskButton {
                objectName: "language-" + modelData
                text: Language.nativeName(modelData)
                checked: Language.language === modelData
                onClicked: Language.language = modelData
            }
        }
        KioskButton {
            objectName: "contrastToggle"
            text: qsTr("High contrast")
            checkable: true
            checked: Appearance.highContrast
            onClicked: Appearance.highContrast = !Appearance.highContrast
        }
    }
}
