// The PIN pad's privacy rules, without QML: digits only in the wiped buffer, keys by position,
// a CSPRNG shuffle per appearance, physical keys caught in C++, nothing in properties/signals.
#include "controllers/pinpadcontroller.h"

#include <QKeyEvent>
#include <QMetaMethod>
#include <QMetaProperty>
#include <QSet>
#include <QtTest>

#include <atomic>
#include <openssl/rand.h>

using namespace kk;

namespace {
std::atomic_bool g_failRandom{false};
} // namespace

// The generator failing, for the pad's code only (it is linked into this executable; OpenSSL's
// own calls keep the real one).
extern "C" int RAND_bytes(unsigned char *buffer, int length)
{
    if (g_failRandom)
        return 0;
    return RAND_bytes_ex(nullptr, buffer, std::size_t(length), 0);
}

namespace {
// Counts the key events that reach it (what QML would get).
class KeyRecorder : public QObject
{
public:
    int keys = 0;
    bool event(QEvent *e) override
    {
        if (e->type() == QEvent::KeyPress || e->type() == QEvent::KeyRelease)
            ++keys;
        return QObject::event(e);
    }
};

int positionOf(const PinPadController &pad, int digit)
{
    return pad.keyLabels().indexOf(digit);
}
void type(PinPadController &pad, const char *digits)
{
    for (const char *d = digits; *d; ++d)
        pad.pressKey(positionOf(pad, *d - '0'));
}
} // namespace

class TestPinPad : public QObject
{
    Q_OBJECT
private slots:
    void keysByPositionFollowTheShuffledLabels()
    {
        PinPadController pad;
        pad.appear();
        type(pad, "2580");
        QCOMPARE(pad.digitCount(), 4);
        QVERIFY(pad.canSubmit());
        SecureBuffer pin = pad.takePin();
        QCOMPARE(QByteArray(pin.c_str()), QByteArray("2580"));
        QCOMPARE(pad.digitCount(), 0); // taken means gone from the pad
    }

    void eraseAndLimits()
    {
        PinPadController pad;
        pad.appear();
        QVERIFY(!pad.canErase()); // backspace disabled when the field is empty
        pad.erase();
        QCOMPARE(pad.digitCount(), 0);
        type(pad, "123");
        QVERIFY(!pad.canSubmit()); // shorter than the minimum
        QSignalSpy submitted(&pad, &PinPadController::submitted);
        pad.submit();
        QCOMPARE(submitted.count(), 0);
        pad.erase();
        QCOMPARE(pad.digitCount(), 2);
        pad.setMaxLength(6);
        type(pad, "99999999");
        QCOMPARE(pad.digitCount(), 6);
        pad.submit();
        QCOMPARE(submitted.count(), 1);
        pad.dismiss();
        QCOMPARE(pad.digitCount(), 0);
    }

    void shuffleDiffersBetweenAppearances()
    {
        PinPadController pad;
        QSet<QVector<int>> layouts;
        for (int i = 0; i < 6; ++i) {
            pad.appear();
            QVector<int> sorted = pad.keyLabels();
            std::sort(sorted.begin(), sorted.end());
            QCOMPARE(sorted, (QVector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})); // a permutation
            layouts.insert(pad.keyLabels());
        }
        QVERIFY(layouts.size() >= 5); // 10! layouts: repeats are vanishingly rare
        pad.setShuffle(false);
        const QVector<int> fixed = pad.keyLabels();
        pad.appear();
        QCOMPARE(pad.keyLabels(), fixed);
    }

    void physicalDigitKeysAreCaughtInCpp()
    {
        PinPadController pad;
        QObject target;
        QKeyEvent seven(QEvent::KeyPress, Qt::Key_7, Qt::NoModifier, QStringLiteral("7"));
        QCoreApplication::sendEvent(&target, &seven); // not active: ignored
        QCOMPARE(pad.digitCount(), 0);
        pad.appear();
        for (Qt::Key key : {Qt::Key_1, Qt::Key_9, Qt::Key_7, Qt::Key_3}) {
            QKeyEvent press(QEvent::KeyPress, key, Qt::NoModifier,
                            QString(QChar('0' + key - Qt::Key_0)));
            QCoreApplication::sendEvent(&target, &press);
        }
        QCOMPARE(pad.digitCount(), 4);
        QKeyEvent backspace(QEvent::KeyPress, Qt::Key_Backspace, Qt::NoModifier);
        QCoreApplication::sendEvent(&target, &backspace);
        QCOMPARE(pad.digitCount(), 3);
        QCOMPARE(QByteArray(pad.takePin().c_str()), QByteArray("197"));
    }

    void digitKeyReleasesNeverReachQmlEither()
    {
        PinPadController pad;
        KeyRecorder qml;
        pad.appear();
        QKeyEvent press(QEvent::KeyPress, Qt::Key_5, Qt::NoModifier, QStringLiteral("5"));
        QKeyEvent release(QEvent::KeyRelease, Qt::Key_5, Qt::NoModifier, QStringLiteral("5"));
        QCoreApplication::sendEvent(&qml, &press);
        QCoreApplication::sendEvent(&qml, &release);
        QCOMPARE(qml.keys, 0);
        QCOMPARE(pad.digitCount(), 1);
        pad.dismiss();
        QCoreApplication::sendEvent(&qml, &release); // the pad is down: keys are QML's again
        QCOMPARE(qml.keys, 1);
    }

    void noRandomnessShowsTheKeysInOrder()
    {
        PinPadController pad;
        g_failRandom = true;
        QTest::ignoreMessage(QtCriticalMsg,
                             QRegularExpression(QStringLiteral("RAND_bytes failed")));
        pad.appear();
        g_failRandom = false;
        QCOMPARE(pad.keyLabels(), (QVector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}));
        bool shuffledAgain = false; // with randomness back, layouts are shuffled again
        for (int i = 0; i < 3 && !shuffledAgain; ++i) {
            pad.appear();
            shuffledAgain = pad.keyLabels() != QVector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
        }
        QVERIFY(shuffledAgain);
    }

    void noPropertyOrSignalCarriesTheDigits()
    {
        PinPadController pad;
        pad.appear();
        type(pad, "864213");
        const QMetaObject *meta = pad.metaObject();
        for (int i = meta->propertyOffset(); i < meta->propertyCount(); ++i) {
            const QMetaProperty property = meta->property(i);
            const QVariant value = property.read(&pad);
            if (property.name() == QByteArray("keyLabels"))
                continue; // the keypad layout, on screen anyway
            QVERIFY2(!value.toString().contains(QLatin1String("864213")), property.name());
            QVERIFY2(value.userType() != QMetaType::QByteArray, property.name());
        }
        for (int i = meta->methodOffset(); i < meta->methodCount(); ++i) {
            const QMetaMethod method = meta->method(i);
            if (method.methodType() == QMetaMethod::Signal)
                QVERIFY2(method.parameterCount() == 0, method.methodSignature().constData());
        }
    }

    void triesLeftText()
    {
        PinPadController pad;
        QVERIFY(pad.triesText().isEmpty());
        pad.setPinState(PinState::FinalTry);
        QVERIFY(!pad.triesText().isEmpty());
        pad.setPinState(PinState::Locked);
        QVERIFY(pad.triesText() != QString());
    }
};

QTEST_MAIN(TestPinPad)
#include "tst_pinpad.moc"
