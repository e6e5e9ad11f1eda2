import QtQuick 2.15

// A busy indicator without QtQuick.Controls (which would cost start-up time on a kiosk).
Item {
    implicitWidth: 96
    implicitHeight: 96
    Repeater {
        model: 8
        Rectangle {
            x: parent.width / 2 - width / 2 + Math.cos(index * Math.PI / 4) * 36
            y: parent.height / 2 - height / 2 + Math.sin(index * Math.PI / 4) * 36
            width: 16; height: 16; radius: 8
            color: Theme.accent
            opacity: 0.2 + 0.8 * index / 7
        }
    }
    RotationAnimator on rotation {
        from: 0; to: 360; duration: 1200
        loops: Animation.Infinite
        running: true
    }
}
