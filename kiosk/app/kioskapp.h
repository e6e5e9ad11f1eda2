#pragma once
// The kiosk's objects, built and wired in one place for main() and for the tests alike
// (KDE Itinerary's pattern): the token and bank services and the journey's gateways over
// them, the journey runner and the screen controllers. Hardware monitors (PC/SC, udev) and
// the bank's reachability probe come from main() (KioskController::watch); the tests drive
// presence themselves.
// Members are declared in the order they may be destroyed in reverse: the journey (which
// holds token sessions and bank exchanges) goes before the bank's threads, and those before
// the token thread.

#include "../controllers/actcontroller.h"
#include "../controllers/appearance.h"
#include "../controllers/checklistcontroller.h"
#include "../controllers/entropycontroller.h"
#include "../controllers/idlewatch.h"
#include "../controllers/journeycontroller.h"
#include "../controllers/kioskcontroller.h"
#include "../controllers/languagecontroller.h"
#include "../controllers/pinpadcontroller.h"
#include "../controllers/sittingcontroller.h"
#include "../controllers/staffcontroller.h"
#include "../registration.h"

#include "keykiosk/enroll/bankservice.h"
#include "keykiosk/enroll/roles.h"
#include "keykiosk/journey/realgateways.h"
#include "keykiosk/journey/runner.h"
#include "keykiosk/token/tokenservice.h"

namespace kk {

struct KioskAppConfig
{
    QString modulePath;
    CmpEndpoint endpoint; // no host: the bank is not configured
    Journal *journal = nullptr;
    StatusPolicy statusPolicy;
    RenewalOptions renewal;
    int idleSeconds = 60;
    int countdownSeconds = 15;
    int entropyTargetBits = 256;
    bool highContrast = false;
    bool fullscreen = false;
    bool pinShuffle = true;
    bool pinPressFeedback = true;
    BankDetails bankDetails;
    QString actDirectory;
    int actKeepDays = 0; // 0: kept
    QString actPrinter;
    // Staff mode: the bank CA's staff policy (a token with such a certificate is a staff
    // token), and its own idle timeout.
    QString staffPolicyOid = QString::fromLatin1(roles::kStaffPolicy);
    int staffIdleSeconds = 300;
};

struct KioskApp
{
    explicit KioskApp(const KioskAppConfig &config);
    KioskObjects objects();

    TokenService tokens;
    BankService bank;
    Pkcs11TokenGateway tokenGateway;
    CmpBankGateway bankGateway;
    LanguageController language;
    ActController act;
    KioskController kiosk;
    Appearance appearance;
    EntropyController entropy;
    PinPadController pinPad;
    IdleWatch idle;
    JourneyRunner runner;
    JourneyController journey;
    IdleWatch staffIdle;
    StaffController staff;
    ChecklistController checklist;
    SittingController sitting;
};

} // namespace kk
