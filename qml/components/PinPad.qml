import QtQuick 2.15
import KeyKiosk 1.0

// The on-screen PIN keypad. It never sees the digits entered: keys report their position,
// PinPad (C++) maps them to the shuffled digits and keeps the PIN in a wiped buffer; the pad
// shows one dot per digit entered and nothing more. No system or virtual keyboard is involved.
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

        PlainText {
            objectName: "pinTries"
            visible: text !== ""
            width: grid.width
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            text: PinPad.triesText
            font.pixelSize: Theme.smallSize
            font.bold: true
            color: Theme.critical
        }

        // One dot per digit entered, nothing for the digits to come: the pad never hints at
        // how long the PIN is.
        Item {
            objectName: "pinField"
            width: grid.width
            height: 28
            Row {
                objectName: "pinDots"
                anchors.centerIn: parent
                spacing: 14
                Repeater {
                    model: PinPad.digitCount
                    Rectangle {
                        width: 22; height: 22; radius: 11
                        color: Theme.text
                    }
                }
            }
            PlainText {
                anchors.centerIn: parent
                visible: PinPad.digitCount === 0
                text: qsTr("Type your PIN")
                font.pixelSize: Theme.smallSize
                color: Theme.mutedText
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
                accessibleName: qsTr("Erase the last digit")
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
                accessibleName: qsTr("Confirm the PIN")
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
