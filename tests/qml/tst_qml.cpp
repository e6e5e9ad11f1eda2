// Qt Quick Test runner: the QML tests see the real C++ types, registered by the same
// registerKioskTypes() the app calls.
#include "controllers/appearance.h"
#include "controllers/entropycontroller.h"
#include "controllers/kioskcontroller.h"
#include "controllers/languagecontroller.h"
#include "controllers/pinpadcontroller.h"
#include "keykiosk/token/tokenservice.h"
#include "registration.h"

#include <QQmlEngine>
#include <QtQuickTest>

class Setup : public QObject
{
    Q_OBJECT
public slots:
    // Qt creates this object before the application, so the services are made here.
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        Q_UNUSED(engine)
        m_tokens = std::make_unique<kk::TokenService>(QStringLiteral("/nonexistent.so"));
        m_kiosk =
            std::make_unique<kk::KioskController>(m_tokens.get(), nullptr, kk::StatusPolicy{});
        m_language = std::make_unique<kk::LanguageController>();
        m_appearance = std::make_unique<kk::Appearance>(false, false);
        m_entropy = std::make_unique<kk::EntropyController>(256);
        m_pinPad = std::make_unique<kk::PinPadController>();
        m_language->setLanguage(QStringLiteral("ru"));
        kk::registerKioskTypes(
            {m_kiosk.get(), m_language.get(), m_appearance.get(), m_entropy.get(), m_pinPad.get()});
    }
    void cleanupTestCase()
    {
        m_pinPad.reset();
        m_entropy.reset();
        m_appearance.reset();
        m_language.reset();
        m_kiosk.reset();
        m_tokens.reset();
    }

private:
    std::unique_ptr<kk::TokenService> m_tokens;
    std::unique_ptr<kk::KioskController> m_kiosk;
    std::unique_ptr<kk::LanguageController> m_language;
    std::unique_ptr<kk::Appearance> m_appearance;
    std::unique_ptr<kk::EntropyController> m_entropy;
    std::unique_ptr<kk::PinPadController> m_pinPad;
};

QUICK_TEST_MAIN_WITH_SETUP(kiosk_qml, Setup)
#include "tst_qml.moc"
