#pragma once
// The one place that exposes the kiosk's C++ objects to QML. The app and the QML tests both
// call it, so the tests see exactly the types the kiosk uses (KDE Itinerary's pattern).

class QQmlEngine;

namespace kk {
class KioskController;
class LanguageController;
class Appearance;
class EntropyController;
class PinPadController;
class JourneyController;
class IdleWatch;
class ActController;
class StaffController;
class ChecklistController;
class SittingController;

struct KioskObjects
{
    KioskController *kiosk = nullptr;
    LanguageController *language = nullptr;
    Appearance *appearance = nullptr;
    EntropyController *entropy = nullptr;
    PinPadController *pinPad = nullptr;
    JourneyController *journey = nullptr;
    IdleWatch *idle = nullptr;
    ActController *act = nullptr;
    StaffController *staff = nullptr;
    ChecklistController *checklist = nullptr;
    SittingController *sitting = nullptr;
};

// The connections between the controllers themselves (language switches, the act following
// the token), made once here so that the app and the tests run the same wiring.
void connectKioskObjects(const KioskObjects &objects);

// With an engine, also the image providers (the act's preview) and a network access factory
// that refuses every request.
void registerKioskTypes(const KioskObjects &objects, QQmlEngine *engine = nullptr);
} // namespace kk
