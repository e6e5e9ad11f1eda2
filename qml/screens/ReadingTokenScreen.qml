import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0
import "../components"

Item {
    ColumnLayout {
        anchors.centerIn: parent
        spacing: 24
        Spinner { Layout.alignment: Qt.AlignHCenter }
        PlainText {
            objectName: "title"
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Reading your token…")
            font.pixelSize: Theme.titleSize
            color: Theme.text
        }
        PlainText {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Please do not remove it.")
            font.pixelSize: Theme.bodySize
            color: Theme.mutedText
        }
    }
}
