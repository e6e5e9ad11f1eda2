// The step objects, one per StepId (stateless: a journey's knowledge is in its context).
#include "steps.h"

namespace kk {

const Step &stepFor(StepId id)
{
    using namespace steps;
    static const Start start;
    static const Waiting explain(WorkflowState::Explaining);
    static const Waiting enterPin(WorkflowState::EnteringPin, true);
    static const CheckPin checkPin;
    static const OpenRenewal openRenewal;
    static const CollectEntropy collectEntropy;
    static const GenerateKey generateKey;
    static const BankStep submit(WorkflowState::Sending);
    static const BankStep pickUp(WorkflowState::PickingUp);
    static const WithBank withBank;
    static const BankStep poll(WorkflowState::WithBank);
    static const Retire retire;
    static const Waiting certificateReceived(WorkflowState::CertificateReceived);
    static const Terminal finished(WorkflowState::Finished);
    static const Terminal refused(WorkflowState::Refused);
    static const Terminal failed(WorkflowState::Error);
    static const Terminal cancelled(WorkflowState::Cancelled);
    static const CheckStaff checkStaff;
    static const Waiting checklist(WorkflowState::StaffChecklist, true);
    static const DropRefusedKey dropRefusedKey;
    static const Step *const steps[] = {&start,
                                        &explain,
                                        &enterPin,
                                        &checkPin,
                                        &openRenewal,
                                        &collectEntropy,
                                        &generateKey,
                                        &submit,
                                        &pickUp,
                                        &withBank,
                                        &poll,
                                        &retire,
                                        &certificateReceived,
                                        &finished,
                                        &refused,
                                        &failed,
                                        &cancelled,
                                        &checkStaff,
                                        &checklist,
                                        &dropRefusedKey};
    static_assert(sizeof(steps) / sizeof(*steps) == int(StepId::DropRefusedKey) + 1,
                  "one step object per StepId");
    return *steps[int(id)];
}

} // namespace kk
