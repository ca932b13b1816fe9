#include "reference/http_message.hpp"

#include <strings.h>

namespace forkcheck::reference {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

const std::string* HeaderFields::find(std::string_view name) const {
  for (const HeaderField& field : fields_)
    if (iequals(field.name, name)) return &field.value;
  return nullptr;
}

std::string_view Request::get_header_value(std::string_view name) const {
  const std::string* value = headers.find(name);
  return value ? std::string_view(*value) : std::string_view();
}

namespace {

const QueryParam* find_param(const std::vector<QueryParam>& params, std::string_view name) {
  for (const QueryParam& param : params)
    if (param.name == name) return &param;
  return nullptr;
}

}  // namespace

bool Request::has_param(std::string_view name) const { return find_param(params, name) != nullptr; }

std::string_view Request::get_param_value(std::string_view name) const {
  const QueryParam* param = find_param(params, name);
  return param ? std::string_view(param->value) : std::string_view();
}

}  // namespace forkcheck::reference
