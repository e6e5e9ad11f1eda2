#include "registration.h"

#include "controllers/actcontroller.h"
#include "controllers/appearance.h"
#include "controllers/checklistcontroller.h"
#include "controllers/entropycontroller.h"
#include "controllers/idlewatch.h"
#include "controllers/journeycontroller.h"
#include "controllers/kioskcontroller.h"
#include "controllers/languagecontroller.h"
#include "controllers/pinpadcontroller.h"
#include "controllers/sittingcontroller.h"
#include "controllers/staffcontroller.h"

#include "keykiosk/logging.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QQmlEngine>
#include <QQmlNetworkAccessManagerFactory>

static void initQmlResources()
{
    Q_INIT_RESOURCE(qml);
}

namespace kk {

namespace {
// The kiosk's UI comes from its resources and loads nothing over a network: a token label
// or a bank text that made its way into rich text must never make the kiosk send a request.
class RefusingNetworkAccess : public QNetworkAccessManager
{
public:
    using QNetworkAccessManager::QNetworkAccessManager;

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request,
                                 QIODevice *data) override
    {
        qCWarning(lcKiosk) << "the UI asked for" << request.url().scheme() << "on"
                           << request.url().host() << "- refused";
        return QNetworkAccessManager::createRequest(
            op, QNetworkRequest(QUrl(QStringLiteral("kk-refused:"))), data);
    }
};

class RefusingNetworkAccessFactory : public QQmlNetworkAccessManagerFactory
{
public:
    QNetworkAccessManager *create(QObject *parent) override
    {
        return new RefusingNetworkAccess(parent);
    }
};
} // namespace

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
        if (o.checklist)
            QObject::connect(o.language, &LanguageController::languageChanged, o.checklist,
                             &ChecklistController::retranslate);
        if (o.sitting)
            QObject::connect(o.language, &LanguageController::languageChanged, o.sitting,
                             &SittingController::retranslate);
    }
    if (o.staff && o.checklist) {
        // A new checklist for each recovery, for the profile it was started for.
        QObject::connect(o.staff, &StaffController::recoveryStarted, o.checklist,
                         [o](RecoveryCase recoveryCase) {
                             if (const TokenProfile *profile = o.kiosk->selectedTokenProfile())
                                 o.checklist->start(recoveryCase, *profile);
                         });
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
    if (objects.staff)
        qmlRegisterSingletonInstance(uri, 1, 0, "Staff", objects.staff);
    if (objects.checklist)
        qmlRegisterSingletonInstance(uri, 1, 0, "Checklist", objects.checklist);
    if (objects.sitting)
        qmlRegisterSingletonInstance(uri, 1, 0, "Sitting", objects.sitting);
    if (objects.act) {
        qmlRegisterSingletonInstance(uri, 1, 0, "Act", objects.act);
        if (engine) // the engine owns the provider
            engine->addImageProvider(QStringLiteral("act"), new ActImageProvider(objects.act));
    }
    if (engine) {
        static RefusingNetworkAccessFactory refusing; // outlives every engine
        engine->setNetworkAccessManagerFactory(&refusing);
    }
}

} // namespace kk
