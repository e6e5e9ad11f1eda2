import QtQuick 2.15
import KeyKiosk 1.0

// One step of the journey: a title, an explanation, the step's own content and its buttons.
// A Column, not a ColumnLayout: wrapped text inside layouts makes them re-arrange in a loop.
Item {
    id: page
    property alias title: titleText.text
    property alias body: bodyText.text
    property bool critical: false
    property int contentWidth: Math.min(width - 2 * Theme.margin, 1000)
    default property alias content: extra.data
    property alias buttons: buttonRow.data

    Column {
        id: column
        anchors.centerIn: parent
        width: page.contentWidth
        spacing: 24
        // A step with much to show (the act) under the staff banner: a little smaller rather
        // than cut off; touch targets stay above 48 px (Theme.touchTarget is 56).
        scale: Math.max(0.86, Math.min(1, (page.height - 16) / Math.max(1, height)))
        PlainText {
            id: titleText
            objectName: "title"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.titleSize
            font.bold: true
            color: page.critical ? Theme.critical : Theme.text
        }
        PlainText {
            id: bodyText
            objectName: "body"
            visible: text !== ""
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.bodySize
            color: Theme.mutedText
        }
        Column {
            id: extra
            width: parent.width
            spacing: 16
        }
        Row {
            id: buttonRow
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 24
        }
    }
}
