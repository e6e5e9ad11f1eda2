#pragma once
// The kiosk's objects wired as main.cpp wires them, for tests that load the real QML: the
// token service (any module path; tests that need no token pass a missing one), the
// controllers, a renewal workflow without a bank, the idle watch and the journey.
#include "controllers/actcontroller.h"
#include "controllers/appearance.h"
#include "controllers/entropycontroller.h"
#include "controllers/idlewatch.h"
#include "controllers/journeycontroller.h"
#include "controllers/kioskcontroller.h"
#include "controllers/languagecontroller.h"
#include "controllers/pinpadcontroller.h"
#include "keykiosk/token/tokenservice.h"
#include "keykiosk/workflow/renewalworkflow.h"
#include "registration.h"

#include <QDir>

#include <memory>

namespace kk {

struct KioskStack
{
    explicit KioskStack(const QString &modulePath = QStringLiteral("/nonexistent.so"),
                        CmpEndpoint endpoint = {}, Journal *journal = nullptr, int idleSeconds = 60,
                        int countdownSeconds = 15)
        : tokens(modulePath), kiosk(&tokens, nullptr, StatusPolicy{}), appearance(false, false),
          entropy(256), workflow(&tokens, journal, std::move(endpoint)),
          idle(idleSeconds, countdownSeconds),
          act(BankDetails{}, QDir::temp().filePath(QStringLiteral("keykiosk-test-acts")), {},
              &language),
          journey(&workflow, &kiosk, &pinPad, &entropy, &idle, &act)
    {
        connectKioskObjects(objects()); // the app's wiring, not a copy of it
    }
    KioskObjects objects()
    {
        return {&kiosk, &language, &appearance, &entropy, &pinPad, &journey, &idle, &act};
    }

    TokenService tokens;
    KioskController kiosk;
    LanguageController language;
    Appearance appearance;
    EntropyController entropy;
    PinPadController pinPad;
    RenewalWorkflow workflow;
    IdleWatch idle;
    ActController act;
    JourneyController journey;
};

} // namespace kk
