import QtQuick 2.15
import KeyKiosk 1.0

// A touch button: at least Theme.touchTarget tall, no hover state (touch screens have none).
// It is a button to assistive technology too: its role, its name (the label, unless a key
// shows a symbol and says what it does in accessibleName) and the press action.
Rectangle {
    id: button
    property alias text: label.text
    property string accessibleName: text
    property bool primary: false
    property bool checked: false
    property bool checkable: false
    property bool showPress: true // the PIN pad can turn press highlights off (privacy)
    signal clicked()

    implicitWidth: Math.max(Theme.touchTarget * 2, label.implicitWidth + 40)
    implicitHeight: Theme.touchTarget
    radius: 8
    color: touch.pressed && showPress ? Theme.selection : (primary || checked ? Theme.accent : Theme.surface)
    border.color: Theme.contrast ? Theme.text : (primary || checked ? Theme.accent : Theme.border)
    border.width: Theme.contrast ? 3 : 2
    opacity: enabled ? 1.0 : 0.4

    Accessible.role: checkable ? Accessible.CheckBox : Accessible.Button
    Accessible.name: accessibleName
    Accessible.checkable: checkable
    Accessible.checked: checked
    Accessible.onPressAction: if (enabled) clicked()

    PlainText {
        id: label
        anchors.centerIn: parent
        font.pixelSize: Theme.bodySize - 2
        font.bold: button.primary || button.checked
        color: button.primary || button.checked ? Theme.textOnAccent : Theme.text
    }
    MouseArea {
        id: touch
        anchors.fill: parent
        enabled: button.enabled
        onClicked: button.clicked()
    }
}
