import QtQuick 2.15
import QtTest 1.2
import KeyKiosk 1.0
import "qrc:/qml/components"

TestCase {
    id: testCase
    name: "EntropyPad"
    width: 800
    height: 600
    when: windowShown
    visible: true // a TestCase is invisible by default, and so would be the pad: no input

    Component {
        id: padComponent
        EntropyPad { width: 700; height: 500 }
    }
    SignalSpy { id: completedSpy; signalName: "completed" }

    function init() {
        Entropy.targetBits = 256
        Entropy.reset()
    }

    // A finger: a wandering path with tremor, events arriving a few ms apart.
    function draw(pad, sequenceFor, points, steps) {
        var state = []
        for (var p = 0; p < points; ++p)
            state.push({ x: 150 + 200 * p, y: 250, vx: 0, vy: 0 })
        var seq = sequenceFor()
        for (p = 0; p < points; ++p)
            seq.press(p, pad, state[p].x, state[p].y)
        seq.commit()
        for (var i = 0; i < steps; ++i) {
            seq = sequenceFor()
            for (p = 0; p < points; ++p) {
                var s = state[p]
                s.vx = 0.8 * s.vx + (Math.random() - 0.5) * 12
                s.vy = 0.8 * s.vy + (Math.random() - 0.5) * 12
                s.x = Math.max(5, Math.min(pad.width - 5, s.x + s.vx + (Math.random() - 0.5) * 4))
                s.y = Math.max(5, Math.min(pad.height - 30, s.y + s.vy + (Math.random() - 0.5) * 4))
                seq.move(p, pad, s.x, s.y)
            }
            seq.commit()
            wait(2 + Math.floor(Math.random() * 9))
        }
        seq = sequenceFor()
        for (p = 0; p < points; ++p)
            seq.release(p, pad, state[p].x, state[p].y)
        seq.commit()
    }

    function test_touchDrawingMovesTheProgress() {
        var pad = createTemporaryObject(padComponent, testCase)
        var progress = findChild(pad, "entropyProgress")
        verify(progress)
        compare(Entropy.creditedBits, 0)
        draw(pad, function() { return touchEvent(pad) }, 1, 120)
        verify(Entropy.creditedBits > 0, "credited " + Entropy.creditedBits)
        verify(Entropy.progress > 0 && Entropy.progress <= 1)
        compare(progress.children[0].width, progress.width * Entropy.progress)
    }

    function test_multiTouchCountsBothFingers() {
        var pad = createTemporaryObject(padComponent, testCase)
        draw(pad, function() { return touchEvent(pad) }, 2, 60)
        var twoFingers = Entropy.creditedBits
        Entropy.reset()
        draw(pad, function() { return touchEvent(pad) }, 1, 60)
        var oneFinger = Entropy.creditedBits
        verify(twoFingers > oneFinger, twoFingers + " vs " + oneFinger)
    }

    function test_mouseWorksToo() {
        var pad = createTemporaryObject(padComponent, testCase)
        var x = 300, y = 200
        mousePress(pad, x, y)
        for (var i = 0; i < 120; ++i) {
            x = Math.max(5, Math.min(650, x + (Math.random() - 0.5) * 30))
            y = Math.max(5, Math.min(450, y + (Math.random() - 0.5) * 30))
            mouseMove(pad, x, y)
            wait(2 + Math.floor(Math.random() * 9))
        }
        mouseRelease(pad, x, y)
        verify(Entropy.creditedBits > 0, "credited " + Entropy.creditedBits)
    }

    // A health-test failure restarts the pool and asks the client to keep drawing; drawing
    // then completes (it used to stop all credit for good).
    function test_aHealthFailureRestartsAndTheClientKeepsDrawing() {
        Entropy.targetBits = 24
        var pad = createTemporaryObject(padComponent, testCase)
        var keepDrawing = findChild(pad, "keepDrawing")
        verify(!keepDrawing.visible)
        // A ruler-straight stroke: the same jerk every time. (Given as the points the pad
        // reports: Qt compresses touch moves sent faster than frames.)
        for (var i = 0; i <= 40; ++i)
            Entropy.addPoint(100 + 3 * i, 100 + 2 * i, 0.5, 1)
        verify(Entropy.restarted)
        verify(keepDrawing.visible)
        draw(pad, function() { return touchEvent(pad) }, 2, 200)
        verify(Entropy.complete)
        verify(!keepDrawing.visible)
    }

    function test_completionIsReported() {
        Entropy.targetBits = 24
        var pad = createTemporaryObject(padComponent, testCase)
        completedSpy.target = pad
        completedSpy.clear()
        draw(pad, function() { return touchEvent(pad) }, 2, 150)
        verify(Entropy.complete)
        compare(completedSpy.count, 1)
    }
}
