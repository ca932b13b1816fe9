#include "harness/report/report_console.hpp"

#include <cstdio>

#include "harness/report/excused_failures.hpp"
#include "harness/report/execution_table_summary.hpp"
#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {
namespace {

constexpr mono_ns kTerminalStatusEvery = ms_to_ns(1000);
constexpr mono_ns kPlainStatusEvery = ms_to_ns(5000);

}  // namespace

std::string format_status(const RunStatus& s) {
  std::string out = format_one_decimal(s.elapsed_s) + " s: requests " + std::to_string(s.requests_ok) + " ok, " +
                    failed_and_excused_text(s.requests_failed, s.requests_excused) + "; workers " + std::to_string(s.live) + " live, " +
                    std::to_string(s.ready) + " ready (N=" + std::to_string(s.n) + ")";
  out += s.next_fault_s ? "; next fault at " + format_one_decimal(*s.next_fault_s) + " s" : "; no fault left";
  return out;
}

RunConsole::RunConsole(std::ostream& out, bool enabled, bool terminal)
    : out_(out), enabled_(enabled), terminal_(terminal) {}

void RunConsole::header() {
  if (header_printed_) return;
  out_ << render_table_header_text();
  header_printed_ = true;
}

void RunConsole::print_new_rows(const ExecutionTable& table) {
  if (!enabled_ || printed_.size() >= table.rows.size()) return;
  clear_status();
  header();
  for (std::size_t i = printed_.size(); i < table.rows.size(); ++i) {
    printed_.push_back(render_row_text(table.rows[i], table.launch_ns, /*judged=*/false));
    out_ << printed_.back();
  }
  out_.flush();
}

void RunConsole::print_final_rows(const ExecutionTable& table, bool judged) {
  if (!enabled_) return;
  clear_status();
  header();
  bool announced = false;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const std::string text = render_row_text(table.rows[i], table.launch_ns, judged);
    if (i < printed_.size() && printed_[i] == text) continue;
    if (i < printed_.size() && !announced) {
      out_ << "final values (rows that changed since they were printed" << (judged ? ", judged against the walkthrough" : "")
           << "):\n";
      announced = true;
    }
    out_ << text;
  }
  printed_.clear();
  out_.flush();
}

bool RunConsole::status_due(mono_ns now) const {
  // The first line comes one interval after the first call.
  return enabled_ && last_status_ns_ != 0 && now - last_status_ns_ >= (terminal_ ? kTerminalStatusEvery : kPlainStatusEvery);
}

void RunConsole::status(mono_ns now, const RunStatus& s) {
  if (enabled_ && last_status_ns_ == 0) last_status_ns_ = now;
  if (!status_due(now)) return;
  last_status_ns_ = now;
  if (terminal_) {
    out_ << "\r\033[K" << format_status(s) << std::flush;
    status_shown_ = true;
  } else {
    out_ << "progress: " << format_status(s) << "\n" << std::flush;
  }
}

void RunConsole::line(const std::string& text) {
  if (!enabled_) return;
  clear_status();
  out_ << text << "\n" << std::flush;
}

void RunConsole::clear_status() {
  if (!status_shown_) return;
  out_ << "\r\033[K";
  status_shown_ = false;
}

std::string bad_body_note(const History& h, const LoadSpec& load) {
  if (h.bad_bodies.empty()) return {};
  std::string out = bad_body_heading(load) + "\n";
  for (const std::string& line : bad_body_lines(h)) out += "  " + line + "\n";
  return out;
}

}  // namespace forkcheck::harness
