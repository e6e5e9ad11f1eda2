import QtQuick 2.15
import QtTest 1.2
import KeyKiosk 1.0
import "qrc:/qml/components"

TestCase {
    id: testCase
    name: "PinPad"
    width: 600
    height: 700
    when: windowShown
    visible: true

    Component {
        id: padComponent
        PinPad {}
    }

    function labels(pad) {
        var result = []
        for (var i = 0; i < 10; ++i)
            result.push(findChild(pad, "pinKey" + i).text)
        return result.join(",")
    }

    function clickKey(pad, name) {
        var key = findChild(pad, name)
        mouseClick(key, key.width / 2, key.height / 2)
    }

    function test_shuffleDiffersBetweenAppearances() {
        var seen = {}
        var distinct = 0
        for (var i = 0; i < 5; ++i) {
            var pad = createTemporaryObject(padComponent, testCase)
            var layout = labels(pad)
            if (!seen[layout]) {
                seen[layout] = true
                ++distinct
            }
            pad.destroy()
            wait(0)
        }
        verify(distinct >= 4, distinct + " distinct layouts of 5")
    }

    function test_digitCountAndErase() {
        var pad = createTemporaryObject(padComponent, testCase)
        verify(!findChild(pad, "pinErase").enabled) // nothing to erase yet
        verify(!findChild(pad, "pinSubmit").enabled)
        for (var i = 0; i < 4; ++i)
            clickKey(pad, "pinKey" + i)
        compare(PinPad.digitCount, 4)
        compare(findChild(pad, "pinDots").children.length - 1, 4) // 4 dots (+ the Repeater)
        verify(findChild(pad, "pinErase").enabled)
        verify(findChild(pad, "pinSubmit").enabled)
        clickKey(pad, "pinErase")
        compare(PinPad.digitCount, 3)
    }

    // Only the digits entered are shown: never empty places that would tell the PIN's length
    // (four empty dots used to be shown for a six-digit PIN).
    function test_theFieldNeverImpliesALength() {
        var pad = createTemporaryObject(padComponent, testCase)
        compare(PinPad.digitCount, 0)
        var dots = findChild(pad, "pinDots")
        compare(dots.children.length - 1, 0) // no dot at all (+ the Repeater)
        for (var i = 0; i < 6; ++i) {
            clickKey(pad, "pinKey" + i)
            compare(dots.children.length - 1, i + 1)
            for (var d = 0; d < dots.children.length; ++d) {
                var dot = dots.children[d]
                if (dot.color !== undefined)
                    verify(dot.color.a > 0, "an empty place in the PIN field")
            }
        }
    }

    function test_noVisibleTextCarriesTheDigits() {
        var pad = createTemporaryObject(padComponent, testCase)
        for (var i = 0; i < 6; ++i)
            clickKey(pad, "pinKey" + i)
        compare(PinPad.digitCount, 6)
        // Walk every item: no text holds two or more digits in a row.
        var pending = [pad]
        while (pending.length > 0) {
            var item = pending.pop()
            if (item.text !== undefined)
                verify(!/[0-9]{2,}/.test(String(item.text)), "text '" + item.text + "'")
            for (var c = 0; c < item.children.length; ++c)
                pending.push(item.children[c])
        }
    }

    function test_submitOnlyWhenLongEnough() {
        var pad = createTemporaryObject(padComponent, testCase)
        var spy = createTemporaryObject(spyComponent, testCase, { target: pad })
        clickKey(pad, "pinKey0")
        clickKey(pad, "pinSubmit")
        compare(spy.count, 0)
        for (var i = 1; i < 4; ++i)
            clickKey(pad, "pinKey" + i)
        clickKey(pad, "pinSubmit")
        compare(spy.count, 1)
    }

    Component {
        id: spyComponent
        SignalSpy { signalName: "submitted" }
    }
}
