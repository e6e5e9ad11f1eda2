import QtQuick 2.15
import KeyKiosk 1.0

// "Draw with your finger": the kiosk's version of moving the mouse while keys are generated.
// Every touch point counts (multi-touch), a mouse works too, the live trail is drawn, and the
// bar shows the credited bits towards the target. The logic is Entropy (C++).
Rectangle {
    id: pad
    signal completed()

    color: Theme.surface
    border.color: Theme.border
    border.width: 2
    radius: 12
    implicitWidth: 800
    implicitHeight: 480

    PlainText {
        anchors.centerIn: parent
        visible: Entropy.creditedBits === 0
        width: parent.width - 64
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: qsTr("Draw here with your finger until the bar is full. This makes your new key unpredictable.")
        font.pixelSize: Theme.bodySize
        color: Theme.mutedText
    }

    Canvas {
        id: trail
        anchors.fill: parent
        property var strokes: ({})
        function add(id, x, y) {
            var stroke = strokes[id] || []
            stroke.push({ x: x, y: y })
            if (stroke.length > 64)
                stroke.shift()
            strokes[id] = stroke
            requestPaint()
        }
        onPaint: {
            var ctx = getContext("2d")
            ctx.clearRect(0, 0, width, height)
            ctx.lineWidth = 6
            ctx.lineCap = "round"
            ctx.strokeStyle = Theme.accent
            for (var id in strokes) {
                var s = strokes[id]
                ctx.beginPath()
                for (var i = 0; i < s.length; ++i) {
                    if (i === 0)
                        ctx.moveTo(s[i].x, s[i].y)
                    else
                        ctx.lineTo(s[i].x, s[i].y)
                }
                ctx.stroke()
            }
        }
    }

    // A health test failed and the pool started again: drawing goes on, with a word why.
    PlainText {
        objectName: "keepDrawing"
        anchors.top: parent.top
        anchors.topMargin: 16
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 64
        visible: Entropy.restarted && !Entropy.complete
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: qsTr("Please keep drawing, with curves and changes of direction.")
        font.pixelSize: Theme.bodySize
        font.bold: true
        color: Theme.accent
    }

    MultiPointTouchArea {
        objectName: "entropyTouchArea"
        anchors.fill: parent
        Accessible.role: Accessible.Canvas
        Accessible.name: qsTr("Drawing area: draw here with your finger")
        mouseEnabled: true // a mouse is one more touch point
        function feed(points) {
            for (var i = 0; i < points.length; ++i) {
                var p = points[i]
                Entropy.addPoint(p.x, p.y, p.pressure, p.pointId)
                trail.add(p.pointId, p.x, p.y)
            }
        }
        onPressed: feed(touchPoints)
        onUpdated: feed(touchPoints)
    }

    // Progress towards the target
    Rectangle {
        objectName: "entropyProgress"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 16
        height: 20
        radius: 10
        color: Theme.contrast ? "#333333" : "#e3e7ec"
        Rectangle {
            width: parent.width * Entropy.progress
            height: parent.height
            radius: parent.radius
            color: Entropy.complete ? Theme.ok : Theme.accent
        }
    }

    Connections {
        target: Entropy
        function onCompleted() { pad.completed() }
    }
}
