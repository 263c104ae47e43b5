// JavaScript "rule records" <-> wire::RuleRecord. A rule record is the numeric,
// already-validated form the TypeScript layer builds (see lib/rules/to-record.ts); a
// property that is present becomes a field that is present.
#pragma once

#include <napi.h>

#include "../wire/rule_record.h"

namespace nlroute::addon {

// Throws a JavaScript TypeError naming the property when a value has the wrong shape.
wire::RuleRecord rule_from_js(const Napi::Object& object);
Napi::Object rule_to_js(Napi::Env env, const wire::RuleRecord& rule);

}  // namespace nlroute::addon
