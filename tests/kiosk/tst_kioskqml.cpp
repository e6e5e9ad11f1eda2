// The real QML, loaded through the same registerKioskTypes() as the app, on the offscreen
// platform: every screen loads without a QML warning, shows translated text in ru/kk/en, and
// keeps touch targets >= 48 px; every control has an accessible role and name in every
// language; every text is plain text, and nothing is fetched from a network - not even for
// a token whose label and certificate carry markup; a long subscriber is shown whole.
#include "harness.h"
#include "kioskstack.h"

#include <QAccessible>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTcpServer>
#include <QtTest>

#include <vector>

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

QList<QQuickItem *> itemsUnder(QQuickItem *root)
{
    // The visual tree: Repeater and ListView delegates are not QObject children.
    QList<QQuickItem *> items, pending{root};
    while (!pending.isEmpty()) {
        QQuickItem *item = pending.takeFirst();
        items << item;
        pending << item->childItems();
    }
    return items;
}

bool isControl(const QQuickItem *item)
{
    return item->inherits("QQuickMouseArea") || item->inherits("QQuickMultiPointTouchArea");
}

// The control's accessible role and name, from the item that handles the touch or the one
// that holds it (a KioskButton's Rectangle around its MouseArea).
QString accessibleProblem(QQuickItem *control)
{
    for (QQuickItem *item : {control, control->parentItem()}) {
        QAccessibleInterface *iface = item ? QAccessible::queryAccessibleInterface(item) : nullptr;
        if (!iface)
            continue;
        const QAccessible::Role role = iface->role();
        const QString name = iface->text(QAccessible::Name);
        if (role != QAccessible::NoRole && role != QAccessible::Pane &&
            role != QAccessible::Client && !name.trimmed().isEmpty())
            return {};
    }
    QQuickItem *holder = control->parentItem();
    return QStringLiteral("%1 in %2 '%3'")
        .arg(QString::fromLatin1(control->metaObject()->className()),
             holder ? QString::fromLatin1(holder->metaObject()->className()) : QString(),
             holder ? holder->objectName() : QString());
}

const char *const kScreens[] = {"InsertTokenScreen",
                                "ReadingTokenScreen",
                                "TokenScreen",
                                "MessageScreen",
                                "OutOfServiceScreen",
                                "ExplainScreen",
                                "PinScreen",
                                "EntropyScreen",
                                "WorkingScreen",
                                "WithBankScreen",
                                "CertificateReceivedScreen",
                                "DoneScreen",
                                "RefusedScreen",
                                "RenewalErrorScreen",
                                "AcceptanceActScreen"};

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

    QTcpServer m_trap;
    int m_trapped = 0;
    std::unique_ptr<kk::test::TestToken> m_token;
    std::unique_ptr<KioskStack> m_stack;
    KioskController *m_kiosk = nullptr;
    LanguageController *m_language = nullptr;
    Appearance *m_appearance = nullptr;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QObject *m_root = nullptr;

    void showTheToken()
    {
        auto module = Pkcs11Module::load(kk::test::softhsmModule());
        const TokenInfo info = module.value()->tokens().value().first();
        m_kiosk->onPresence(PresenceState::TokenReady, info, {});
        QTRY_COMPARE(m_kiosk->screen(), KioskScreen::TokenProfiles);
        QTest::qWait(100); // rendered
    }

private slots:
    void initTestCase()
    {
        g_previous = qInstallMessageHandler(collect);
        // A token whose label and owner carry markup pointing at a server of the test's: a
        // kiosk that rendered them as rich text would fetch the image from it.
        QVERIFY(m_trap.listen(QHostAddress::LocalHost));
        connect(&m_trap, &QTcpServer::newConnection, this, [this] { ++m_trapped; });
        kk::test::TokenOptions options;
        options.label = QStringLiteral("<img src=http://127.0.0.1:%1>").arg(m_trap.serverPort());
        options.commonName = QStringLiteral("Иванов Иван <img src=http://127.0.0.1:%1/cn.png>")
                                 .arg(m_trap.serverPort());
        options.organization = QStringLiteral("ООО «Ромашка, Лютик, Василёк и партнёры»");
        m_token = std::make_unique<kk::test::TestToken>(options);
        QVERIFY2(m_token->isValid(), qPrintable(m_token->error()));
        m_stack = std::make_unique<KioskStack>(kk::test::softhsmModule());
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

    void aMarkedUpTokenIsShownAsTextAndFetchesNothing()
    {
        showTheToken();
        auto *identity = m_root->findChild<QQuickItem *>(QStringLiteral("tokenIdentity"));
        QVERIFY(identity);
        QVERIFY2(identity->property("text").toString().contains(QStringLiteral("<img src=")),
                 qPrintable(identity->property("text").toString()));
        // And QML as a whole reaches no network: an image asked for directly is refused too.
        QQmlComponent image(m_engine.get());
        image.setData(QStringLiteral("import QtQuick 2.15\nImage { source: "
                                     "\"http://127.0.0.1:%1/direct.png\" }")
                          .arg(m_trap.serverPort())
                          .toUtf8(),
                      QUrl());
        std::unique_ptr<QObject> direct(image.create());
        QVERIFY(direct);
        QTRY_COMPARE(direct->property("status").toInt(), 3); // Image.Error
        QTest::qWait(500);
        QCOMPARE(m_trapped, 0);
    }

    void theSubscriberIsShownWhole()
    {
        showTheToken();
        QQuickItem *owner = nullptr;
        for (QQuickItem *item : itemsUnder(qobject_cast<QQuickWindow *>(m_root)->contentItem())) {
            if (item->objectName() == QLatin1String("ownerCell"))
                owner = item;
        }
        QVERIFY(owner);
        const QString text = owner->property("text").toString();
        QVERIFY2(text.endsWith(QStringLiteral("ООО «Ромашка, Лютик, Василёк и партнёры»")),
                 qPrintable(text));
        QVERIFY(!owner->property("truncated").toBool());
        QVERIFY(owner->property("lineCount").toInt() > 1); // wrapped, not cut
        QQuickItem *row = owner->parentItem()->parentItem();
        QVERIFY2(owner->height() <= row->height(),
                 qPrintable(QStringLiteral("%1 > %2").arg(owner->height()).arg(row->height())));
    }

    void everyControlHasARoleAndANameAndEveryTextIsPlain_data()
    {
        QTest::addColumn<QString>("language");
        QTest::newRow("ru") << QStringLiteral("ru");
        QTest::newRow("kk") << QStringLiteral("kk");
        QTest::newRow("en") << QStringLiteral("en");
    }
    void everyControlHasARoleAndANameAndEveryTextIsPlain()
    {
        QFETCH(QString, language);
        QVERIFY(m_language->setLanguage(language));
        showTheToken(); // the window itself: the top bar, the token table, the idle overlay
        auto *window = qobject_cast<QQuickWindow *>(m_root);
        std::vector<std::unique_ptr<QObject>> screens;
        for (const char *name : kScreens) {
            QQmlComponent component(
                m_engine.get(),
                QUrl(QStringLiteral("qrc:/qml/screens/%1.qml").arg(QLatin1String(name))));
            std::unique_ptr<QObject> screen(component.create());
            QVERIFY2(screen, qPrintable(component.errorString()));
            auto *item = qobject_cast<QQuickItem *>(screen.get());
            item->setParentItem(window->contentItem());
            item->setSize(QSizeF(1280, 720));
            screens.push_back(std::move(screen));
        }
        QTest::qWait(50);
        int controls = 0, texts = 0;
        QStringList problems;
        for (QQuickItem *item : itemsUnder(window->contentItem())) {
            if (isControl(item)) {
                ++controls;
                const QString problem = accessibleProblem(item);
                if (!problem.isEmpty())
                    problems << problem;
            }
            if (item->inherits("QQuickText")) {
                ++texts;
                if (item->property("textFormat").toInt() != 0) // Text.PlainText
                    problems
                        << QStringLiteral("rich text: '%1'").arg(item->property("text").toString());
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        // The walk saw them all: the top bar, the table and every screen's buttons and pads.
        QVERIFY2(controls >= 36, qPrintable(QString::number(controls)));
        QVERIFY2(texts >= 60, qPrintable(QString::number(texts)));
    }

    void cleanupTestCase()
    {
        m_engine.reset();
        m_stack.reset();
        m_token.reset();
        qInstallMessageHandler(g_previous);
    }
};

QTEST_MAIN(TestKioskQml)
#include "tst_kioskqml.moc"
