// Model-based test of the supervisor core (rapidcheck state machine). The model is the spec in
// its simplest form: per slot, whether a spawn is pending, a worker starting or ready, or the slot
// waits out a back-off until `wake`; early deaths in a row; a shutdown flag. Commands: a pending
// spawn is forked, a worker becomes ready, exits early, exits after a long uptime, time passes
// (tick), shutdown. After every command the core must agree with the model slot by slot, and:
// never more than N live slots, back-off within [initial, max] and reset after a stable worker,
// no spawn after shutdown. A second property lets deaths stop after a random history and checks that
// every slot is refilled.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <deque>
#include <ostream>

#include "reference/supervisor.hpp"

namespace forkcheck::reference {
namespace {

constexpr mono_ns kMinUptime = ms_to_ns(100);
constexpr mono_ns kBackoffInitial = ms_to_ns(100);
constexpr mono_ns kBackoffMax = ms_to_ns(800);
constexpr int kBurst = 2;
constexpr int kWorkers = 3;

SupervisorConfig model_config() {
  return {.workers = kWorkers, .min_uptime_ns = kMinUptime, .restart_burst = kBurst, .backoff_initial_ns = kBackoffInitial,
          .backoff_max_ns = kBackoffMax, .heartbeat_timeout_ns = 0, .grace_ns = ms_to_ns(1000)};
}

// The spec of the back-off: immediate for the first kBurst early deaths, then doubling, capped.
mono_ns expected_delay(int early_deaths) {
  if (early_deaths <= kBurst) return 0;
  mono_ns d = kBackoffInitial;
  for (int i = early_deaths - kBurst - 1; i > 0 && d < kBackoffMax; --i) d *= 2;
  return std::min(d, kBackoffMax);
}

enum class M { empty, pending, waiting, starting, ready };

struct MSlot {
  M state = M::pending;
  pid_t pid = 0;
  mono_ns ready_ns = 0;
  mono_ns wake_ns = 0;
  int early = 0;
};

struct Model {
  std::vector<MSlot> slots = std::vector<MSlot>(kWorkers);
  mono_ns now = 0;
  bool shutdown = false;
  pid_t next_pid = 1000;

  std::vector<int> slots_in(std::initializer_list<M> states) const {
    std::vector<int> out;
    for (int i = 0; i < kWorkers; ++i)
      if (std::find(states.begin(), states.end(), slots[static_cast<std::size_t>(i)].state) != states.end()) out.push_back(i);
    return out;
  }
};

// The primary around the core: carries out spawns when told to fork, remembers what it was asked.
struct Sut {
  Supervisor sup{model_config()};
  std::deque<Action> spawns;  // decided, not yet forked
  mono_ns now = 0;
  Sut() { take(sup.start(0)); }

  void take(const std::vector<Action>& actions) {
    for (const Action& a : actions) {
      RC_ASSERT(!(a.kind == ActionKind::spawn && sup.shutting_down()));
      if (a.kind == ActionKind::spawn) spawns.push_back(a);
      if (a.kind == ActionKind::backoff) RC_ASSERT(a.delay_ns >= kBackoffInitial && a.delay_ns <= kBackoffMax);
    }
  }
};

SlotState expected_state(M m) {
  switch (m) {
    case M::empty: return SlotState::empty;
    case M::waiting: return SlotState::waiting;
    case M::pending:
    case M::starting: return SlotState::starting;  // a pending spawn reserves its slot
    case M::ready: return SlotState::ready;
  }
  return SlotState::empty;
}

// RC_PRE decomposes its expression, so `&&` inside it would not short-circuit: decide first.
void require(bool ok) { RC_PRE(ok); }

void check_agrees(const Model& m, const Sut& s) {
  RC_ASSERT(s.sup.live_count() <= kWorkers);
  int live = 0;
  for (int i = 0; i < kWorkers; ++i) {
    const MSlot& ms = m.slots[static_cast<std::size_t>(i)];
    const SlotView v = s.sup.slot(i);
    RC_ASSERT(v.state == expected_state(ms.state));
    RC_ASSERT(v.early_deaths == ms.early);
    if (ms.state == M::starting || ms.state == M::ready) RC_ASSERT(v.pid == ms.pid);
    live += ms.state == M::pending || ms.state == M::starting || ms.state == M::ready;
  }
  RC_ASSERT(s.sup.live_count() == live);
}

using Cmd = rc::state::Command<Model, Sut>;

struct SlotCommand : Cmd {
  int slot = -1;
  SlotCommand(const Model& m, std::initializer_list<M> states) {
    const auto candidates = m.slots_in(states);
    if (!candidates.empty()) slot = *rc::gen::elementOf(candidates);
  }
  const MSlot& of(const Model& m) const { return m.slots[static_cast<std::size_t>(slot)]; }
  MSlot& of(Model& m) const { return m.slots[static_cast<std::size_t>(slot)]; }
};

struct Fork : SlotCommand {
  explicit Fork(const Model& m) : SlotCommand(m, {M::pending}) {}
  void checkPreconditions(const Model& m) const override { require(slot >= 0 && of(m).state == M::pending); }
  void apply(Model& m) const override { of(m) = MSlot{M::starting, m.next_pid++, 0, 0, of(m).early}; }
  void run(const Model& m, Sut& s) const override {
    const auto it = std::find_if(s.spawns.begin(), s.spawns.end(), [&](const Action& a) { return a.slot == slot; });
    RC_ASSERT(it != s.spawns.end());
    s.spawns.erase(it);
    s.sup.on_forked(slot, m.next_pid, s.now);
    check_agrees(nextState(m), s);
  }
  void show(std::ostream& os) const override { os << "Fork(slot " << slot << ")"; }
};

struct Ready : SlotCommand {
  explicit Ready(const Model& m) : SlotCommand(m, {M::starting}) {}
  void checkPreconditions(const Model& m) const override { require(slot >= 0 && of(m).state == M::starting); }
  void apply(Model& m) const override {
    of(m).state = M::ready;
    of(m).ready_ns = m.now;
  }
  void run(const Model& m, Sut& s) const override {
    s.sup.on_ready(slot, of(m).pid, s.now);
    check_agrees(nextState(m), s);
  }
  void show(std::ostream& os) const override { os << "Ready(slot " << slot << ")"; }
};

// A worker exits after `age` more nanoseconds have passed; the model decides whether it died early.
struct Exit : SlotCommand {
  mono_ns wait_ns = 0;
  Exit(const Model& m, mono_ns wait) : SlotCommand(m, {M::starting, M::ready}), wait_ns(wait) {}
  void apply(Model& m) const override {
    m.now += wait_ns;
    MSlot& ms = of(m);
    const bool early = ms.state == M::starting || m.now - ms.ready_ns < kMinUptime;
    ms.early = early ? ms.early + 1 : 0;
    const mono_ns delay = expected_delay(ms.early);
    ms.state = m.shutdown ? M::empty : delay == 0 ? M::pending : M::waiting;
    ms.wake_ns = m.now + delay;
  }
  void run(const Model& m, Sut& s) const override {
    const Model next = nextState(m);
    s.now = next.now;
    const auto actions = s.sup.on_worker_exit(of(m).pid, s.now);
    s.take(actions);
    const MSlot& after = next.slots[static_cast<std::size_t>(slot)];
    if (after.state == M::empty) RC_ASSERT(actions.empty());  // no respawn after shutdown
    if (after.state == M::pending) RC_ASSERT(actions.size() == 1u && actions[0].kind == ActionKind::spawn);
    if (after.state == M::waiting)
      RC_ASSERT(actions.size() == 1u && actions[0].kind == ActionKind::backoff &&
                actions[0].delay_ns == expected_delay(after.early));
    check_agrees(next, s);
  }
};

struct ExitEarly : Exit {
  explicit ExitEarly(const Model& m) : Exit(m, *rc::gen::inRange<mono_ns>(0, kMinUptime / 2)) {}
  void checkPreconditions(const Model& m) const override {
    require(slot >= 0 && (of(m).state == M::starting ||
                         (of(m).state == M::ready && m.now + wait_ns - of(m).ready_ns < kMinUptime)));
  }
  void show(std::ostream& os) const override { os << "ExitEarly(slot " << slot << ", +" << wait_ns / 1000000 << " ms)"; }
};

struct ExitAfterLongUptime : Exit {
  explicit ExitAfterLongUptime(const Model& m) : Exit(m, kMinUptime + *rc::gen::inRange<mono_ns>(0, kBackoffMax)) {}
  void checkPreconditions(const Model& m) const override { require(slot >= 0 && of(m).state == M::ready); }
  void show(std::ostream& os) const override { os << "ExitAfterLongUptime(slot " << slot << ", +" << wait_ns / 1000000 << " ms)"; }
};

struct Tick : Cmd {
  mono_ns step_ns = *rc::gen::inRange<mono_ns>(0, 2 * kBackoffMax);
  explicit Tick(const Model&) {}
  void apply(Model& m) const override {
    m.now += step_ns;
    if (m.shutdown) return;
    for (MSlot& ms : m.slots)
      if (ms.state == M::waiting && ms.wake_ns <= m.now) ms.state = M::pending;
  }
  void run(const Model& m, Sut& s) const override {
    const Model next = nextState(m);
    s.now = next.now;
    const auto actions = s.sup.on_tick(s.now);
    s.take(actions);
    int spawns = 0;
    for (const Action& a : actions) spawns += a.kind == ActionKind::spawn;
    int due = 0;
    for (std::size_t i = 0; i < m.slots.size(); ++i) due += m.slots[i].state == M::waiting && next.slots[i].state == M::pending;
    RC_ASSERT(spawns == due);
    check_agrees(next, s);
  }
  void show(std::ostream& os) const override { os << "Tick(+" << step_ns / 1000000 << " ms)"; }
};

struct Shutdown : Cmd {
  explicit Shutdown(const Model&) {}
  void checkPreconditions(const Model& m) const override {
    require(!m.shutdown && m.slots_in({M::pending}).empty());  // the primary forks at once, never later
  }
  void apply(Model& m) const override {
    m.shutdown = true;
    for (MSlot& ms : m.slots)
      if (ms.state == M::waiting) ms.state = M::empty;
  }
  void run(const Model& m, Sut& s) const override {
    const auto actions = s.sup.on_shutdown(s.now);
    s.take(actions);
    const auto live = m.slots_in({M::starting, M::ready});
    RC_ASSERT(actions.size() == live.size());
    for (const Action& a : actions) RC_ASSERT(a.kind == ActionKind::terminate);
    check_agrees(nextState(m), s);
  }
  void show(std::ostream& os) const override { os << "Shutdown"; }
};

auto command_gen() {
  return rc::state::gen::execOneOfWithArgs<Fork, Ready, ExitEarly, ExitAfterLongUptime, Tick, Shutdown>();
}

// Deaths stop: fork what is pending, make every worker ready, let time pass to the next deadline.
// Bounded: each round either fills a slot or reaches a deadline at most kBackoffMax away.
void settle(Sut& s) {
  for (int round = 0; round < 10 * kWorkers; ++round) {
    while (!s.spawns.empty()) {
      s.sup.on_forked(s.spawns.front().slot, 50000 + round * 100 + static_cast<int>(s.spawns.size()), s.now);
      s.spawns.pop_front();
    }
    for (int i = 0; i < kWorkers; ++i)
      if (s.sup.slot(i).state == SlotState::starting) s.sup.on_ready(i, s.sup.slot(i).pid, s.now);
    const auto next = s.sup.next_deadline();
    if (!next) return;
    s.now = std::max(s.now, *next);
    s.take(s.sup.on_tick(s.now));
  }
}

}  // namespace

RC_GTEST_PROP(SupervisorModel, AgreesWithTheModelAndKeepsItsInvariants, ()) {
  Sut sut;
  rc::state::check(Model{}, sut, command_gen());
}

RC_GTEST_PROP(SupervisorModel, RefillsEverySlotOnceDeathsStop, ()) {
  const auto commands = *rc::state::gen::commands(Model{}, command_gen());
  Sut sut;
  Model model;
  rc::state::runAll(commands, model, sut);
  const bool shutdown = sut.sup.shutting_down();
  settle(sut);
  if (shutdown) {
    RC_ASSERT(sut.spawns.empty());
  } else {
    RC_ASSERT(sut.sup.ready_count() == kWorkers);
    RC_ASSERT(sut.sup.live_count() == kWorkers);
  }
}

}  // namespace forkcheck::reference
