#pragma once
// Informer handlers that only enqueue keys (level-based reconcile): the
// object's own key, its controlling owner's key, or keys a mapping function
// derives (e.g. every ClusterAgent that references a changed Secret, found
// through a store index).

#include <functional>
#include <string>
#include <vector>

#include "controller/cache/informer.h"
#include "controller/queue/controller.h"

namespace ctrl::queue {

using MapFunc = std::function<std::vector<std::string>(const nlohmann::json& obj)>;

// The key of the owner reference with controller=true whose kind is
// `ownerKind` (and whose apiVersion's group is `ownerGroup`, when given), in
// the object's namespace; "" when there is none.
std::string controllerOwnerKey(const nlohmann::json& obj, const std::string& ownerKind,
                               const std::string& ownerGroup = "");

cache::EventHandlers enqueueSelf(Controller& c);
cache::EventHandlers enqueueOwner(Controller& c, const std::string& ownerKind,
                                  const std::string& ownerGroup = "");
// On update, keys mapped from both the old and the new object are enqueued,
// so a reference that moved away still wakes its former owner.
cache::EventHandlers enqueueMapped(Controller& c, MapFunc map);
// As enqueueMapped, but an add, or an update that leaves metadata.generation
// as it was (a status write by another controller; objects without a
// generation count as such), enqueues after `delay`, and a key already
// waiting is not added again: the adds are the echoes of our own creates,
// and the Deployment controller writes a new Deployment's status several
// times within a few hundred milliseconds; one reconcile after the burst
// writes the owner's status once instead of once per step. Deletes and spec
// changes (drift) still enqueue at once.
cache::EventHandlers enqueueMappedCoalescingStatus(Controller& c, MapFunc map,
                                                   std::chrono::milliseconds delay);
// Adds and updates enqueue after `delay`, once per burst, deletes at once:
// for kinds that are only observed, never applied (pods), where a start is a
// burst of updates but a pod that went away changes what the owner reports.
cache::EventHandlers enqueueMappedAfter(Controller& c, MapFunc map,
                                        std::chrono::milliseconds delay);

// A MapFunc through another informer's index: the keys of the objects in
// `store` indexed under value(obj) — e.g. the ClusterAgents whose "secret"
// index holds a changed Secret's "ns/name". value defaults to the object's key.
MapFunc mapByIndex(const cache::Store& store, std::string index,
                   std::function<std::string(const nlohmann::json&)> value = nullptr);

}  // namespace ctrl::queue
