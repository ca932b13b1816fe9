#pragma once
// An enum's one string form per value, as a constant table, and the two look-ups every such
// vocabulary needs (event kinds, properties, fault kinds, request errors, signals, ...).
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace forkcheck {

template <typename Value, std::size_t N>
using NameTable = std::array<std::pair<Value, std::string_view>, N>;

template <typename Value, std::size_t N>
constexpr std::optional<std::string_view> name_in(const NameTable<Value, N>& table, Value value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return std::nullopt;
}

template <typename Value, std::size_t N>
constexpr std::optional<Value> value_named(const NameTable<Value, N>& table, std::string_view name) {
  for (const auto& [v, n] : table)
    if (n == name) return v;
  return std::nullopt;
}

// Every value of the table, in its order.
template <typename Value, std::size_t N>
std::vector<Value> values_of(const NameTable<Value, N>& table) {
  std::vector<Value> out;
  out.reserve(N);
  for (const auto& entry : table) out.push_back(entry.first);
  return out;
}

}  // namespace forkcheck
