// Qt Quick Test runner: the QML tests see the real C++ types, registered by the same
// registerKioskTypes() the app calls.
#include "kioskstack.h"

#include <QQmlEngine>
#include <QtQuickTest>

class Setup : public QObject
{
    Q_OBJECT
public slots:
    // Qt creates this object before the application, so the services are made here.
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        m_stack = std::make_unique<kk::KioskStack>();
        m_stack->language.setLanguage(QStringLiteral("ru"));
        kk::registerKioskTypes(m_stack->objects(), engine);
    }
    void cleanupTestCase() { m_stack.reset(); }

private:
    std::unique_ptr<kk::KioskStack> m_stack;
};

QUICK_TEST_MAIN_WITH_SETUP(kiosk_qml, Setup)
#include "tst_qml.moc"
