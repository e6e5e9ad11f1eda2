#pragma once
// The step classes (private to the engine; journeys name them by StepId, see stepFor()).
// Each is stateless: what a journey knows lives in its context.

#include "keykiosk/journey/step.h"

namespace kk::steps {

// The lifecycle moves on; a stable point is written to the journal (then the kill point of
// that record), an in-flight one only kept in memory (enroll/lifecycle.h).
void advance(JourneyContext &context, const JourneyServices &services, KeyLifecycle lifecycle);

// Input and terminal steps: the client's screens.
class Start : public Step
{
public:
    StepKind kind() const override { return StepKind::Working; }
    bool abortsOnTokenRemoved() const override { return false; }
    WorkflowState screen() const override { return WorkflowState::Idle; }
    void enter(const StepCall &call) const override;
};

class Waiting : public Step // an input step whose screen is all it does
{
public:
    explicit Waiting(WorkflowState screen, bool abortsOnRemoval = false)
        : m_screen(screen), m_aborts(abortsOnRemoval)
    {
    }
    StepKind kind() const override { return StepKind::Input; }
    bool abortsOnTokenRemoved() const override { return m_aborts; }
    WorkflowState screen() const override { return m_screen; }
    void enter(const StepCall &) const override {}

private:
    WorkflowState m_screen;
    bool m_aborts;
};

class CollectEntropy : public Waiting
{
public:
    CollectEntropy() : Waiting(WorkflowState::CollectingEntropy, true) {}
    void enter(const StepCall &call) const override; // a fresh seed for this key only
};

class WithBank : public Step
{
public:
    StepKind kind() const override { return StepKind::Input; }
    bool abortsOnTokenRemoved() const override { return true; }
    WorkflowState screen() const override { return WorkflowState::WithBank; }
    void enter(const StepCall &call) const override; // polls by itself after checkAfter
};

class Terminal : public Step
{
public:
    explicit Terminal(WorkflowState screen) : m_screen(screen) {}
    StepKind kind() const override { return StepKind::Terminal; }
    bool abortsOnTokenRemoved() const override { return false; }
    WorkflowState screen() const override { return m_screen; }
    void enter(const StepCall &) const override {}

private:
    WorkflowState m_screen;
};

// Working steps on the token.
class TokenStep : public Step
{
public:
    StepKind kind() const override { return StepKind::Working; }
    bool abortsOnTokenRemoved() const override { return true; }
};

class CheckPin : public TokenStep
{
public:
    WorkflowState screen() const override { return WorkflowState::CheckingPin; }
    void enter(const StepCall &call) const override;
};

// Staff login: the staff member's PIN and certificate, on their own token.
class CheckStaff : public TokenStep
{
public:
    WorkflowState screen() const override { return WorkflowState::CheckingPin; }
    void enter(const StepCall &call) const override;
};

class OpenRenewal : public TokenStep
{
public:
    WorkflowState screen() const override { return WorkflowState::CheckingPin; }
    void enter(const StepCall &call) const override;
};

class GenerateKey : public TokenStep
{
public:
    WorkflowState screen() const override { return WorkflowState::GeneratingKey; }
    void enter(const StepCall &call) const override;
};

class DropRefusedKey : public TokenStep
{
public:
    WorkflowState screen() const override { return WorkflowState::CheckingPin; }
    void enter(const StepCall &call) const override;
};

class Retire : public TokenStep
{
public:
    WorkflowState screen() const override { return WorkflowState::Installing; }
    void enter(const StepCall &call) const override;
};

// Working steps with the bank: one CMP exchange step each (send, send again, poll).
class BankStep : public TokenStep
{
public:
    explicit BankStep(WorkflowState screen) : m_screen(screen) {}
    WorkflowState screen() const override { return m_screen; }
    void enter(const StepCall &call) const override;

private:
    WorkflowState m_screen;
};

} // namespace kk::steps
