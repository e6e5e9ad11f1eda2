import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0
import "../components"

Item {
    ColumnLayout {
        anchors.centerIn: parent
        spacing: 24
        Spinner { Layout.alignment: Qt.AlignHCenter }
        Text {
            objectName: "title"
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Reading your token…")
            font.family: Theme.fontFamily
            font.pixelSize: Theme.titleSize
            color: Theme.text
        }
        Text {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Please do not remove it.")
            font.family: Theme.fontFamily
            font.pixelSize: Theme.bodySize
            color: Theme.mutedText
        }
    }
}
