// The real QML, loaded through the same registerKioskTypes() as the app, on the offscreen
// platform: every screen loads without a QML warning, shows translated text in ru/kk/en, and
// keeps touch targets >= 48 px.
#include "kioskstack.h"

#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QtTest>

using namespace kk;

namespace {
QStringList g_warnings;
QtMessageHandler g_previous = nullptr;
void collect(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg || type == QtCriticalMsg)
        g_warnings << message;
    g_previous(type, context, message);
}

QString titleText(QObject *root)
{
    auto *loader = root->findChild<QQuickItem *>(QStringLiteral("screenLoader"));
    if (!loader)
        return {};
    QVariant item = loader->property("item");
    auto *screen = item.value<QQuickItem *>();
    auto *title = screen ? screen->findChild<QObject *>(QStringLiteral("title")) : nullptr;
    auto *message = screen ? screen->findChild<QObject *>(QStringLiteral("message")) : nullptr;
    return title     ? title->property("text").toString()
           : message ? message->property("text").toString()
                     : QString();
}
} // namespace

class TestKioskQml : public QObject
{
    Q_OBJECT

    std::unique_ptr<KioskStack> m_stack;
    KioskController *m_kiosk = nullptr;
    LanguageController *m_language = nullptr;
    Appearance *m_appearance = nullptr;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QObject *m_root = nullptr;

private slots:
    void initTestCase()
    {
        g_previous = qInstallMessageHandler(collect);
        m_stack = std::make_unique<KioskStack>();
        m_kiosk = &m_stack->kiosk;
        m_language = &m_stack->language;
        m_appearance = &m_stack->appearance;
        m_engine = std::make_unique<QQmlApplicationEngine>();
        m_language->setEngine(m_engine.get());
        QVERIFY(m_language->setLanguage(QStringLiteral("ru")));
        registerKioskTypes(m_stack->objects(), m_engine.get());
        m_engine->load(QUrl(QStringLiteral("qrc:/qml/Main.qml")));
        QCOMPARE(m_engine->rootObjects().size(), 1);
        m_root = m_engine->rootObjects().first();
        QTRY_VERIFY(qobject_cast<QQuickWindow *>(m_root)->isExposed());
    }

    void everyScreenLoadsInEveryLanguage_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<PresenceState>("state");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ru insert")
            << "ru" << PresenceState::NoToken << QStringLiteral("Вставьте ваш токен");
        QTest::newRow("kk insert")
            << "kk" << PresenceState::NoToken << QStringLiteral("Токеніңізді салыңыз");
        QTest::newRow("en insert")
            << "en" << PresenceState::NoToken << QStringLiteral("Insert your token");
        QTest::newRow("ru reading")
            << "ru" << PresenceState::TokenArriving << QStringLiteral("Читаем ваш токен…");
        QTest::newRow("kk reading")
            << "kk" << PresenceState::TokenArriving << QStringLiteral("Токеніңіз оқылуда…");
        QTest::newRow("ru out of service")
            << "ru" << PresenceState::ServiceUnavailable << QStringLiteral("Временно не работает");
        QTest::newRow("kk out of service") << "kk" << PresenceState::ServiceUnavailable
                                           << QStringLiteral("Уақытша жұмыс істемейді");
        QTest::newRow("ru message")
            << "ru" << PresenceState::SeveralTokens
            << QStringLiteral("Вставлено больше одного токена. Оставьте только один.");
        QTest::newRow("en message")
            << "en" << PresenceState::SeveralTokens
            << QStringLiteral("More than one token is inserted. Please leave only one.");
    }
    void everyScreenLoadsInEveryLanguage()
    {
        QFETCH(QString, language);
        QFETCH(PresenceState, state);
        QFETCH(QString, expected);
        g_warnings.clear();
        QVERIFY(m_language->setLanguage(language));
        m_kiosk->onPresence(state, std::nullopt, {});
        QTRY_COMPARE(titleText(m_root), expected);
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
    }

    void touchTargetsAreAtLeast48px()
    {
        // Walk the visual tree: Repeater delegates are not QObject children of the window.
        QList<QQuickItem *> items, pending = {qobject_cast<QQuickWindow *>(m_root)->contentItem()};
        while (!pending.isEmpty()) {
            QQuickItem *item = pending.takeFirst();
            items << item;
            pending << item->childItems();
        }
        int buttons = 0;
        for (QQuickItem *item : items) {
            const QString name = item->objectName();
            if (name.startsWith(QLatin1String("language-")) ||
                name == QLatin1String("contrastToggle")) {
                ++buttons;
                QVERIFY2(item->height() >= 48 && item->width() >= 48, qPrintable(name));
            }
        }
        QCOMPARE(buttons, 4);
    }

    void highContrastToggles()
    {
        auto *toggle = m_root->findChild<QQuickItem *>(QStringLiteral("contrastToggle"));
        QVERIFY(toggle);
        QVERIFY(!m_appearance->highContrast());
        QMetaObject::invokeMethod(toggle, "clicked");
        QVERIFY(m_appearance->highContrast());
        QCOMPARE(qobject_cast<QQuickWindow *>(m_root)->color(), QColor(Qt::black));
        QMetaObject::invokeMethod(toggle, "clicked");
        QVERIFY(!m_appearance->highContrast());
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        m_stack.reset();
        qInstallMessageHandler(g_previous);
    }
};

QTEST_MAIN(TestKioskQml)
#include "tst_kioskqml.moc"
