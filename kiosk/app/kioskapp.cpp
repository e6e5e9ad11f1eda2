#include "kioskapp.h"

namespace kk {

KioskApp::KioskApp(const KioskAppConfig &config)
    : tokens(config.modulePath),
      tokenGateway(&tokens, config.renewal,
                   StaffRole{config.staffPolicyOid, config.endpoint.bankCaPem}),
      bankGateway(&bank, config.endpoint),
      act(config.bankDetails, config.actDirectory, config.actPrinter, &language),
      kiosk(&tokens, config.statusPolicy, config.journal,
            [this](const QString &serial) { return act.hasSavedAct(serial); }),
      appearance(config.highContrast, config.fullscreen), entropy(config.entropyTargetBits),
      idle(config.idleSeconds, config.countdownSeconds),
      runner(JourneyServices{&tokenGateway, &bankGateway, config.journal, 5000,
                             [this](std::shared_ptr<StaffSession> s) { staff.setSession(s); }}),
      journey(&runner, &kiosk, &pinPad, &entropy, &idle, &act, config.journal),
      staffIdle(config.staffIdleSeconds, config.countdownSeconds),
      staff(&kiosk, &journey, &staffIdle), checklist(&journey),
      sitting(&kiosk, &journey, &runner, &staff, &act, config.journal)
{
    kiosk.setStaffPolicy(config.staffPolicyOid);
    pinPad.setShuffle(config.pinShuffle);
    pinPad.setPressFeedback(config.pinPressFeedback);
    act.setRetentionDays(config.actKeepDays);
    connectKioskObjects(objects());
}

KioskObjects KioskApp::objects()
{
    return {&kiosk, &language, &appearance, &entropy,   &pinPad, &journey,
            &idle,  &act,      &staff,      &checklist, &sitting};
}

} // namespace kk
