#pragma once
// The kiosk's objects wired as main.cpp wires them, for tests that load the real QML: the
// token service (any module path; tests that need no token pass a missing one), the
// controllers, a renewal workflow without a bank, the idle watch and the journey.
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

#include <memory>

namespace kk {

struct KioskStack
{
    explicit KioskStack(const QString &modulePath = QStringLiteral("/nonexistent.so"),
                        CmpEndpoint endpoint = {}, Journal *journal = nullptr, int idleSeconds = 60,
                        int countdownSeconds = 15)
        : tokens(modulePath), kiosk(&tokens, nullptr, StatusPolicy{}), appearance(false, false),
          entropy(256), workflow(&tokens, journal, std::move(endpoint)),
          idle(idleSeconds, countdownSeconds), journey(&workflow, &kiosk, &pinPad, &entropy, &idle)
    {
        QObject::connect(&language, &LanguageController::languageChanged, &kiosk,
                         &KioskController::retranslate);
        QObject::connect(&language, &LanguageController::languageChanged, &journey,
                         &JourneyController::retranslate);
    }
    KioskObjects objects()
    {
        return {&kiosk, &language, &appearance, &entropy, &pinPad, &journey, &idle};
    }

    TokenService tokens;
    KioskController kiosk;
    LanguageController language;
    Appearance appearance;
    EntropyController entropy;
    PinPadController pinPad;
    RenewalWorkflow workflow;
    IdleWatch idle;
    JourneyController journey;
};

} // namespace kk
