#include "registration.h"

#include "controllers/actcontroller.h"
#include "controllers/appearance.h"
#include "controllers/entropycontroller.h"
#include "controllers/idlewatch.h"
#include "controllers/journeycontroller.h"
#include "controllers/kioskcontroller.h"
#include "controllers/languagecontroller.h"
#include "controllers/pinpadcontroller.h"

#include <QQmlEngine>

static void initQmlResources()
{
    Q_INIT_RESOURCE(qml);
}

namespace kk {

void connectKioskObjects(const KioskObjects &o)
{
    if (o.language) {
        QObject::connect(o.language, &LanguageController::languageChanged, o.kiosk,
                         &KioskController::retranslate);
        if (o.journey)
            QObject::connect(o.language, &LanguageController::languageChanged, o.journey,
                             &JourneyController::retranslate);
        if (o.act)
            QObject::connect(o.language, &LanguageController::languageChanged, o.act,
                             &ActController::retranslate);
    }
    if (o.act) {
        QObject::connect(o.kiosk, &KioskController::actRequested, o.act, &ActController::load);
        // The next client must never see this one's act.
        QObject::connect(o.kiosk, &KioskController::tokenLeft, o.act, &ActController::clear);
    }
}

void registerKioskTypes(const KioskObjects &objects, QQmlEngine *engine)
{
    initQmlResources();
    const char *uri = "KeyKiosk";
    qmlRegisterUncreatableMetaObject(kk::staticMetaObject, uri, 1, 0, "KK",
                                     QStringLiteral("enums only"));
    qmlRegisterUncreatableType<ProfileModel>(uri, 1, 0, "ProfileModel",
                                             QStringLiteral("owned by Kiosk"));
    qmlRegisterSingletonInstance(uri, 1, 0, "Kiosk", objects.kiosk);
    qmlRegisterSingletonInstance(uri, 1, 0, "Language", objects.language);
    qmlRegisterSingletonInstance(uri, 1, 0, "Appearance", objects.appearance);
    if (objects.entropy)
        qmlRegisterSingletonInstance(uri, 1, 0, "Entropy", objects.entropy);
    if (objects.pinPad)
        qmlRegisterSingletonInstance(uri, 1, 0, "PinPad", objects.pinPad);
    if (objects.journey)
        qmlRegisterSingletonInstance(uri, 1, 0, "Journey", objects.journey);
    if (objects.idle)
        qmlRegisterSingletonInstance(uri, 1, 0, "Idle", objects.idle);
    if (objects.act) {
        qmlRegisterSingletonInstance(uri, 1, 0, "Act", objects.act);
        if (engine) // the engine owns the provider
            engine->addImageProvider(QStringLiteral("act"), new ActImageProvider(objects.act));
    }
}

} // namespace kk
