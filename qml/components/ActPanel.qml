import QtQuick 2.15
import KeyKiosk 1.0

// The acceptance act: its preview (image://act, painted by C++ from the certificate), the
// print button and what became of the printing.
Row {
    id: panel
    spacing: 32
    property int previewWidth: 360

    Rectangle {
        width: panel.previewWidth + 4
        height: preview.height + 4
        color: "#ffffff"
        border.color: Theme.border
        border.width: 2
        Image {
            id: preview
            objectName: "actPreview"
            x: 2; y: 2
            width: panel.previewWidth
            height: Math.round(panel.previewWidth * 297 / 210)
            sourceSize.width: panel.previewWidth * 2
            asynchronous: false
            cache: false
            source: Act.ready ? "image://act/" + Act.previewVersion + "-" + Language.language : ""
        }
    }
    Column {
        width: 420
        anchors.verticalCenter: parent.verticalCenter
        spacing: 20
        PlainText {
            width: parent.width
            wrapMode: Text.WordWrap
            text: qsTr("Print the act in two copies. Sign it, have the head of your organization sign and stamp it, and bring it to the bank.")
            font.pixelSize: Theme.bodySize - 2
            color: Theme.text
        }
        KioskButton {
            objectName: "printActButton"
            primary: !Act.printed
            enabled: Act.ready && !Act.printing
            text: Act.printed ? qsTr("Print again") : qsTr("Print the act")
            onClicked: Act.print()
        }
        PlainText {
            objectName: "printStatus"
            width: parent.width
            wrapMode: Text.WordWrap
            visible: text !== ""
            text: Act.printing ? qsTr("Printing…")
                  : Act.printed ? qsTr("The act has been printed. Take both copies from the printer.")
                  : Act.message !== "" ? Act.message + " (" + Act.errorId + ")" : ""
            font.pixelSize: Theme.smallSize + 2
            font.bold: true
            color: Act.message !== "" && !Act.printing ? Theme.critical : Theme.ok
        }
    }
}
