import QtQuick 2.15
import KeyKiosk 1.0

// The on-screen PIN keypad. It never sees the digits entered: keys report their position,
// PinPad (C++) maps them to the shuffled digits and keeps the PIN in a wiped buffer; the pad
// shows one dot per digit. No system or virtual keyboard is involved.
Rectangle {
    id: pad
    signal submitted()

    implicitWidth: grid.width + 64
    implicitHeight: column.height + 48
    color: Theme.surface
    radius: 12
    border.color: Theme.border
    border.width: 2

    onVisibleChanged: visible ? PinPad.appear() : PinPad.dismiss()
    Component.onCompleted: if (visible) PinPad.appear()
    Component.onDestruction: PinPad.dismiss()

    Column {
        id: column
        anchors.centerIn: parent
        spacing: 20

        Text {
            objectName: "pinTries"
            visible: text !== ""
            width: grid.width
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            text: PinPad.triesText
            font.family: Theme.fontFamily
            font.pixelSize: Theme.smallSize
            font.bold: true
            color: Theme.critical
        }

        Row {
            objectName: "pinDots"
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 14
            Repeater {
                model: Math.max(PinPad.digitCount, PinPad.minLength)
                Rectangle {
                    width: 22; height: 22; radius: 11
                    color: index < PinPad.digitCount ? Theme.text : "transparent"
                    border.color: Theme.text
                    border.width: 2
                }
            }
        }

        Grid {
            id: grid
            columns: 3
            spacing: 12
            Repeater {
                model: 9
                KioskButton {
                    objectName: "pinKey" + index
                    width: 96; height: 80
                    text: PinPad.keyLabels[index]
                    showPress: PinPad.pressFeedback
                    onClicked: PinPad.pressKey(index)
                }
            }
            KioskButton {
                objectName: "pinErase"
                width: 96; height: 80
                text: "⌫"
                enabled: PinPad.canErase
                showPress: PinPad.pressFeedback
                onClicked: PinPad.erase()
            }
            KioskButton {
                objectName: "pinKey9"
                width: 96; height: 80
                text: PinPad.keyLabels[9]
                showPress: PinPad.pressFeedback
                onClicked: PinPad.pressKey(9)
            }
            KioskButton {
                objectName: "pinSubmit"
                width: 96; height: 80
                primary: true
                text: qsTr("OK")
                enabled: PinPad.canSubmit
                showPress: PinPad.pressFeedback
                onClicked: PinPad.submit()
            }
        }
    }

    Connections {
        target: PinPad
        function onSubmitted() { pad.submitted() }
    }
}
