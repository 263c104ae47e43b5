// The NativeHandle methods of a watch: a handle opened in the namespace of another
// (by the descriptor NamespaceFd gives), subscribed to rtnetlink's multicast groups,
// whose I/O thread then only waits for notifications and reads them. Nothing else is
// sent on its socket, so every message it reads is a notification.
#include <cerrno>

#include "../ops/notifications.h"
#include "link_convert.h"
#include "native_handle.h"
#include "outcome_convert.h"
#include "route_convert.h"
#include "route_pack.h"
#include "rule_convert.h"

namespace nlroute::addon {

namespace {
constexpr size_t kMostPerRead =
    1024;  // notifications per answer: JavaScript handles them in one go

io::Outcome failed(int errnum, const char* call) {
  io::Outcome o;
  o.error = errnum;
  o.syscall = call;
  return o;
}
}  // namespace

// namespaceFd() -> Promise<{ fd } | { error }>: a new descriptor of the socket's own
// namespace; the caller owns it (and closes it once a watch handle is made with it).
Napi::Value NativeHandle::NamespaceFd(const Napi::CallbackInfo& info) {
  auto fd = std::make_shared<int>(-1);
  return submit(
      info.Env(), [fd](io::RouteSocket& sock) { *fd = sock.namespace_fd(); },
      [fd](Napi::Env env) -> Napi::Value {
        if (*fd < 0) return error_result(env, failed(-*fd, "ioctl(SIOCGSKNS)"));
        Napi::Object result = Napi::Object::New(env);
        result.Set("fd", *fd);
        return result;
      },
      info.Env().Undefined());
}

// subscribe({ rules?: RuleRecord, routes?: RouteFilterRecord, links?: boolean })
//   -> Promise<{} | { error }>: a kind is watched when its key holds a filter (an
// empty one selects everything); joins the groups that carry what is watched.
Napi::Value NativeHandle::Subscribe(const Napi::CallbackInfo& info) {
  Napi::Object given = info[0].As<Napi::Object>();
  auto filter = std::make_shared<ops::NotificationFilter>();
  Napi::Value rules = given.Get("rules"), routes = given.Get("routes");
  if (rules.IsObject()) {
    filter->rules = true;
    filter->rule_filter = rule_from_js(rules.As<Napi::Object>());
  }
  if (routes.IsObject()) {
    filter->routes = true;
    filter->route_filter = route_filter_from_js(routes);
  }
  filter->links = given.Get("links").ToBoolean().Value();
  watching_ = filter;
  auto status = std::make_shared<io::Outcome>();
  return submit(
      info.Env(),
      [filter, status](io::RouteSocket& sock) {
        for (uint32_t group : ops::groups_for(*filter)) {
          if (int err = sock.join_group(group)) {
            *status = failed(err, "setsockopt(NETLINK_ADD_MEMBERSHIP)");
            return;
          }
        }
      },
      [status](Napi::Env env) -> Napi::Value {
        if (status->error) return error_result(env, *status);
        return Napi::Object::New(env);
      },
      info.Env().Undefined());
}

// notifications(token?, keepAlive) -> Promise<{ kinds, meta, rules, routes, links, overflow } |
// { error }> Waits for the next notifications (until the token is aborted: ECANCELED);
// with keepAlive false the wait does not keep the process alive. kinds[i]
// is an ops::NotificationKind; meta[3i..3i+2] its port id, sequence number and
// nlmsg_flags; the objects of each kind are in their own list, in order.
Napi::Value NativeHandle::Notifications(const Napi::CallbackInfo& info) {
  struct State {
    std::shared_ptr<const ops::NotificationFilter> filter;
    ops::NotificationBatch batch;
    io::Outcome status;
  };
  auto state = std::make_shared<State>();
  state->filter = watching_;
  if (!state->filter) throw Napi::Error::New(info.Env(), "notifications() before subscribe()");
  return submit(
      info.Env(),
      [state](io::RouteSocket& sock) {
        state->status = ops::read_notifications(sock, *state->filter, kMostPerRead, state->batch);
      },
      [state](Napi::Env env) -> Napi::Value {
        if (state->status.error) return error_result(env, state->status);
        const ops::NotificationBatch& batch = state->batch;
        size_t n = batch.order.size();
        Napi::Uint8Array kinds = Napi::Uint8Array::New(env, n);
        Napi::Uint32Array meta = Napi::Uint32Array::New(env, n * 3);
        for (size_t i = 0; i < n; ++i) {
          kinds[i] = batch.order[i].kind;
          meta[3 * i] = batch.order[i].port_id;
          meta[3 * i + 1] = batch.order[i].seq;
          meta[3 * i + 2] = batch.order[i].flags;
        }
        Napi::Array rules = Napi::Array::New(env, batch.rules.size());
        for (size_t i = 0; i < batch.rules.size(); ++i)
          rules.Set(static_cast<uint32_t>(i), rule_to_js(env, batch.rules[i]));
        Napi::Array links = Napi::Array::New(env, batch.links.size());
        for (size_t i = 0; i < batch.links.size(); ++i)
          links.Set(static_cast<uint32_t>(i), link_to_js(env, batch.links[i]));
        RoutePack pack;
        for (const auto& route : batch.routes) pack.add(route);
        Napi::Object result = Napi::Object::New(env);
        result.Set("kinds", kinds);
        result.Set("meta", meta);
        result.Set("rules", rules);
        result.Set("routes", route_pack_to_js(env, pack));
        result.Set("links", links);
        result.Set("overflow", batch.overflow);
        return result;
      },
      info[0], nullptr, info[1].IsUndefined() || info[1].ToBoolean().Value());
}

}  // namespace nlroute::addon
