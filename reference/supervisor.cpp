#include "reference/supervisor.hpp"

#include <algorithm>

namespace forkcheck::reference {

Supervisor::Supervisor(const SupervisorConfig& config)
    : config_(config),
      slots_(static_cast<std::size_t>(std::max(config.workers, 0))),
      replaces_(slots_.size(), 0) {}

std::vector<Action> Supervisor::start(mono_ns now) {
  std::vector<Action> out;
  if (shutting_down()) return out;
  for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
    Slot& s = slots_[static_cast<std::size_t>(i)];
    if (s.state != SlotState::empty) continue;
    s = Slot{.state = SlotState::starting, .forked_ns = now, .last_beat_ns = now};
    out.push_back({.kind = ActionKind::spawn, .slot = i, .pid = 0});
  }
  return out;
}

void Supervisor::on_forked(int slot, pid_t pid, mono_ns now) {
  if (slot < 0 || slot >= static_cast<int>(slots_.size())) return;
  Slot& s = slots_[static_cast<std::size_t>(slot)];
  s.state = SlotState::starting;
  s.pid = pid;
  s.forked_ns = now;
  s.last_beat_ns = now;
  s.killed = false;
}

std::vector<Action> Supervisor::on_fork_failed(int slot, mono_ns now) {
  if (slot < 0 || slot >= static_cast<int>(slots_.size())) return {};
  Slot& s = slots_[static_cast<std::size_t>(slot)];
  s.state = SlotState::empty;
  if (shutting_down()) return {};
  // A failed fork (EAGAIN, ENOMEM) is the system saying "not now": treat it as an early death.
  ++s.early_deaths;
  const mono_ns delay = std::max(backoff_delay(s.early_deaths), config_.backoff_initial_ns);
  s.state = SlotState::waiting;
  s.wake_ns = now + delay;
  return {{.kind = ActionKind::backoff, .slot = slot, .delay_ns = delay}};
}

void Supervisor::on_ready(int slot, pid_t pid, mono_ns now) {
  if (slot < 0 || slot >= static_cast<int>(slots_.size())) return;
  Slot& s = slots_[static_cast<std::size_t>(slot)];
  if (s.state != SlotState::starting || s.pid != pid || pid <= 0) return;
  s.state = SlotState::ready;
  s.ready_ns = now;
  s.last_beat_ns = now;
}

void Supervisor::on_heartbeat(int slot, pid_t pid, mono_ns now) {
  if (slot < 0 || slot >= static_cast<int>(slots_.size())) return;
  Slot& s = slots_[static_cast<std::size_t>(slot)];
  if (live(s) && s.pid == pid && pid > 0) s.last_beat_ns = std::max(s.last_beat_ns, now);
}

void Supervisor::on_channel_read(mono_ns at) { channel_read_ns_ = std::max(channel_read_ns_, at); }

bool Supervisor::died_early(const Slot& s, mono_ns now) const {
  return s.state == SlotState::starting || now - s.ready_ns < config_.min_uptime_ns;
}

mono_ns Supervisor::backoff_delay(int early_deaths) const {
  if (early_deaths <= config_.restart_burst) return 0;
  mono_ns delay = config_.backoff_initial_ns;
  for (int n = early_deaths - config_.restart_burst - 1; n > 0 && delay < config_.backoff_max_ns; --n)
    delay *= 2;
  return std::min(delay, config_.backoff_max_ns);
}

std::vector<Action> Supervisor::on_worker_exit(pid_t pid, mono_ns now) {
  if (pid <= 0) return {};
  const auto it = std::find_if(slots_.begin(), slots_.end(),
                               [&](const Slot& s) { return live(s) && s.pid == pid; });
  if (it == slots_.end()) return {};
  const int index = static_cast<int>(it - slots_.begin());
  it->early_deaths = died_early(*it, now) ? it->early_deaths + 1 : 0;
  it->state = SlotState::empty;
  if (shutting_down()) return {};
  return schedule_respawn(index, pid, now);
}

std::vector<Action> Supervisor::schedule_respawn(int index, pid_t dead_pid, mono_ns now) {
  Slot& s = slots_[static_cast<std::size_t>(index)];
  const mono_ns delay = backoff_delay(s.early_deaths);
  if (delay == 0) {
    s.state = SlotState::starting;  // reserved now, so the slot can never be filled twice
    s.pid = 0;
    return {{.kind = ActionKind::spawn, .slot = index, .pid = dead_pid}};
  }
  s.state = SlotState::waiting;
  s.wake_ns = now + delay;
  replaces_[static_cast<std::size_t>(index)] = dead_pid;
  return {{.kind = ActionKind::backoff, .slot = index, .pid = dead_pid, .delay_ns = delay}};
}

std::vector<Action> Supervisor::on_tick(mono_ns now) {
  std::vector<Action> out;
  if (shutting_down()) {
    if (grace_over_ || now < *shutdown_at_ + config_.grace_ns) return out;
    grace_over_ = true;
    for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
      const Slot& s = slots_[static_cast<std::size_t>(i)];
      if (live(s) && s.pid > 0) out.push_back({.kind = ActionKind::kill, .slot = i, .pid = s.pid});
    }
    return out;
  }
  for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
    Slot& s = slots_[static_cast<std::size_t>(i)];
    if (s.state != SlotState::waiting || s.wake_ns > now) continue;
    s.state = SlotState::starting;
    s.pid = 0;
    out.push_back({.kind = ActionKind::spawn, .slot = i, .pid = replaces_[static_cast<std::size_t>(i)]});
  }
  check_heartbeats(now, out);
  return out;
}

void Supervisor::check_heartbeats(mono_ns now, std::vector<Action>& out) {
  if (config_.heartbeat_timeout_ns <= 0) return;
  // Silence is known only up to the last read of the channel (on_channel_read): later beats may be
  // waiting in it, unread.
  const mono_ns heard_until = std::min(now, channel_read_ns_);
  for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
    Slot& s = slots_[static_cast<std::size_t>(i)];
    if (!live(s) || s.pid <= 0 || s.killed) continue;
    if (heard_until - s.last_beat_ns < config_.heartbeat_timeout_ns) continue;
    s.killed = true;
    out.push_back({.kind = ActionKind::kill_hung, .slot = i, .pid = s.pid});
  }
}

std::vector<Action> Supervisor::on_shutdown(mono_ns now) {
  std::vector<Action> out;
  if (shutting_down()) return out;
  shutdown_at_ = now;
  for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
    Slot& s = slots_[static_cast<std::size_t>(i)];
    if (s.state == SlotState::waiting) s.state = SlotState::empty;
    if (!live(s) || s.pid <= 0 || s.killed) continue;
    s.killed = true;
    out.push_back({.kind = ActionKind::terminate, .slot = i, .pid = s.pid});
  }
  return out;
}

std::optional<mono_ns> Supervisor::next_deadline() const {
  std::optional<mono_ns> next;
  const auto consider = [&](mono_ns t) { next = next ? std::min(*next, t) : t; };
  if (shutting_down()) {
    if (!grace_over_ && live_count() > 0) consider(*shutdown_at_ + config_.grace_ns);
    return next;
  }
  for (const Slot& s : slots_) {
    if (s.state == SlotState::waiting) consider(s.wake_ns);
    if (config_.heartbeat_timeout_ns > 0 && live(s) && s.pid > 0 && !s.killed)
      consider(s.last_beat_ns + config_.heartbeat_timeout_ns);
  }
  return next;
}

SlotView Supervisor::view(int index) const {
  const Slot& s = slots_[static_cast<std::size_t>(index)];
  return {.slot = index, .state = s.state, .pid = s.pid, .forked_ns = s.forked_ns,
          .early_deaths = s.early_deaths, .killed = s.killed};
}

std::optional<SlotView> Supervisor::find(pid_t pid) const {
  if (pid <= 0) return std::nullopt;
  for (int i = 0; i < static_cast<int>(slots_.size()); ++i)
    if (live(slots_[static_cast<std::size_t>(i)]) && slots_[static_cast<std::size_t>(i)].pid == pid)
      return view(i);
  return std::nullopt;
}

SlotView Supervisor::slot(int index) const {
  if (index < 0 || index >= static_cast<int>(slots_.size())) return {};
  return view(index);
}

int Supervisor::live_count() const {
  return static_cast<int>(std::count_if(slots_.begin(), slots_.end(), [this](const Slot& s) { return live(s); }));
}

int Supervisor::ready_count() const {
  return static_cast<int>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.state == SlotState::ready; }));
}

}  // namespace forkcheck::reference
