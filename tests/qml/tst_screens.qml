import QtQuick 2.15
import QtTest 1.2
import KeyKiosk 1.0
import "qrc:/qml/components"
import "qrc:/qml/screens"

// The journey's screens, each on its own, against the real controllers (nothing under way:
// the journey is Idle, no token). Russian is the language (tst_qml.cpp). What they show,
// that their buttons are touch-sized, and that a press where nothing is under way changes
// nothing.
TestCase {
    id: testCase
    name: "Screens"
    width: 1280
    height: 720
    when: windowShown
    visible: true

    Component { id: insertComponent; InsertTokenScreen { width: 1280; height: 720 } }
    Component { id: tokenComponent; TokenScreen { width: 1280; height: 720 } }
    Component { id: explainComponent; ExplainScreen { width: 1280; height: 720 } }
    Component { id: pinComponent; PinScreen { width: 1280; height: 720 } }
    Component { id: entropyComponent; EntropyScreen { width: 1280; height: 720 } }
    Component { id: workingComponent; WorkingScreen { width: 1280; height: 720 } }
    Component { id: withBankComponent; WithBankScreen { width: 1280; height: 720 } }
    Component { id: receivedComponent; CertificateReceivedScreen { width: 1280; height: 720 } }
    Component { id: doneComponent; DoneScreen { width: 1280; height: 720 } }
    Component { id: refusedComponent; RefusedScreen { width: 1280; height: 720 } }
    Component { id: errorComponent; RenewalErrorScreen { width: 1280; height: 720 } }
    Component { id: overlayComponent; IdleOverlay { width: 1280; height: 720 } }
    Component { id: actComponent; AcceptanceActScreen { width: 1280; height: 720 } }

    function cleanup() { Language.language = "ru" }

    function show(component) {
        var screen = createTemporaryObject(component, testCase)
        verify(screen !== null)
        waitForRendering(screen)
        return screen
    }
    function title(screen) { return findChild(screen, "title").text }
    function verifyTouchSize(screen, name) {
        var button = findChild(screen, name)
        verify(button !== null, name)
        verify(button.visible, name + " visible")
        verify(button.height >= 48 && button.width >= 48, name + " is " + button.width + "x" + button.height)
        return button
    }
    function tap(item) { mouseClick(item, item.width / 2, item.height / 2) }

    function test_insertScreen() {
        var screen = show(insertComponent)
        compare(title(screen), "Вставьте ваш токен")
        verify(!findChild(screen, "timedOutNotice").visible)
        verify(!findChild(screen, "removedNotice").visible)
    }

    function test_tokenScreenOffersNothingWithoutAProfile() {
        var screen = show(tokenComponent)
        compare(Kiosk.selectedAction, KK.NoAction)
        verify(!findChild(screen, "actionButton").visible)
        compare(findChild(screen, "actionHint").text, "Для этого профиля действий не требуется.")
    }

    function test_explainScreenListsTheStepsAndStartsNothingByItself() {
        var screen = show(explainComponent)
        compare(title(screen), "Перегенерация ключей: что будет происходить")
        verifyTouchSize(screen, "cancelButton")
        var start = verifyTouchSize(screen, "startButton")
        compare(start.text, "Начать")
        tap(start)
        compare(Journey.state, KK.Idle) // confirm() only acts on the Explaining state
    }

    function test_pinScreenShowsTheShuffledPad() {
        var screen = show(pinComponent)
        compare(title(screen), "Введите ПИН-код токена")
        var digits = []
        for (var i = 0; i < 10; ++i)
            digits.push(Number(verifyTouchSize(screen, "pinKey" + i).text))
        compare(digits.slice().sort().join(""), "0123456789")
        verify(!findChild(screen, "pinErase").enabled) // nothing to erase yet
        tap(findChild(screen, "pinKey3"))
        compare(PinPad.digitCount, 1)
        PinPad.dismiss()
        compare(PinPad.digitCount, 0)
    }

    function test_entropyScreenHasThePad() {
        var screen = show(entropyComponent)
        compare(title(screen), "Рисуйте на экране")
        verify(findChild(screen, "entropyTouchArea") !== null)
        verify(findChild(screen, "entropyProgress") !== null)
    }

    function test_workingScreenShowsNoProgressBeforeHalfASecond() {
        var screen = show(workingComponent)
        verify(!Journey.showProgress)
        verify(!findChild(screen, "elapsed").visible)
        compare(findChild(screen, "body").text, "Пожалуйста, не извлекайте токен.")
    }

    function test_withBankScreenShowsTheSlip() {
        var screen = show(withBankComponent)
        compare(title(screen), "Принят банком")
        verify(findChild(screen, "slip").visible)
        verifyTouchSize(screen, "leaveButton")
    }

    function test_certificateAndDoneScreens() {
        var received = show(receivedComponent)
        compare(title(received), "Получен новый сертификат")
        verifyTouchSize(received, "continueButton")
        var done = show(doneComponent)
        compare(title(done), "Вы переведены на работу с новым комплектом ключей")
        compare(findChild(done, "body").text, "Когда акт будет распечатан, извлеките токен. Спасибо!")
    }

    function test_refusedScreenOffersANewRequest() {
        var screen = show(refusedComponent)
        compare(title(screen), "Получен отказ в регистрации")
        compare(verifyTouchSize(screen, "newRequestButton").text, "Новый запрос")
        verifyTouchSize(screen, "closeButton")
    }

    function test_actScreenWithoutAnActOffersNoPrinting() {
        var screen = show(actComponent)
        compare(title(screen), "Акт признания открытого ключа")
        verify(!Act.ready)
        verify(!findChild(screen, "printActButton").enabled)
        verifyTouchSize(screen, "closeButton")
        var done = show(doneComponent)
        verify(findChild(done, "actPreview") !== null)
        compare(findChild(done, "printActButton").text, "Распечатать акт")
    }

    function test_errorScreen() {
        var screen = show(errorComponent)
        compare(title(screen), "Перегенерация не завершена")
        verifyTouchSize(screen, "closeButton")
    }

    function test_idleOverlayOnlyDuringTheCountdown() {
        var overlay = show(overlayComponent)
        verify(!Idle.countingDown)
        verify(!overlay.visible)
    }

    // Each language's text at creation (the live switch of a running window is covered by
    // tst_kioskqml, whose engine retranslates).
    function test_screensInEveryLanguage() {
        Language.language = "kk"
        compare(title(show(withBankComponent)), "Банк қабылдады")
        compare(title(show(doneComponent)), "Сіз жаңа кілттер жиынтығымен жұмысқа ауыстырылдыңыз")
        Language.language = "en"
        compare(title(show(withBankComponent)), "Accepted by the bank")
        compare(title(show(doneComponent)), "You now work with your new set of keys")
    }
}
