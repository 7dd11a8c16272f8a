#include "tests/kubelet/pod_volumes.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/kubelet/env_resolver.h"

namespace processkubelet {

using ctrl::kube::Code;
using ctrl::kube::isNotFound;
using ctrl::kube::Status;
using ctrl::kube::StatusOr;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int kDefaultMode = 0644;

int modeOf(const json& obj, const char* key, int fallback) {
  return obj.contains(key) && obj[key].is_number_integer() ? obj[key].get<int>() : fallback;
}

Status writeFile(const fs::path& path, const std::string& content, int mode) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return Status(Code::kInternal, "write " + path.string() + " failed");
  chmod(path.c_str(), static_cast<mode_t>(mode));
  return Status::ok();
}

// Keys of `data` into dir: all of them, or only `items` (key → path, mode).
Status writeKeys(const fs::path& dir, const DataMap& data, const json& source, int defaultMode,
                 const std::string& what, bool optional) {
  const json items = source.value("items", json::array());
  if (items.empty()) {
    for (const auto& [key, value] : data) {
      if (auto s = writeFile(dir / key, value, defaultMode); !s.isOk()) return s;
    }
    return Status::ok();
  }
  for (const auto& item : items) {
    const std::string key = item.value("key", "");
    auto it = data.find(key);
    if (it == data.end()) {
      if (optional) continue;
      return Status(Code::kNotFound, "configmap/secret key " + key + " not found in " + what);
    }
    const int mode = modeOf(item, "mode", defaultMode);
    if (auto s = writeFile(dir / item.value("path", key), it->second, mode); !s.isOk()) return s;
  }
  return Status::ok();
}

// A secret or configMap source (volume or projection) into dir.
Status writeObjectSource(const fs::path& dir, const json& source, bool secret, int defaultMode,
                         const VolumeContext& ctx) {
  const std::string ns = (*ctx.pod)["metadata"].value("namespace", "");
  const std::string name = source.value(secret ? "secretName" : "name", source.value("name", ""));
  const bool optional = source.value("optional", false);
  auto data = secret ? ctx.objects->secretData(ns, name) : ctx.objects->configMapData(ns, name);
  if (!data.isOk() && isNotFound(data.status()) && !secret && name == "kube-root-ca.crt" &&
      !ctx.clusterCaPem.empty()) {
    // kube-controller-manager publishes it shortly after a namespace appears.
    data = DataMap{{"ca.crt", ctx.clusterCaPem}};
  }
  if (!data.isOk()) {
    if (isNotFound(data.status()) && optional) return Status::ok();
    if (isNotFound(data.status())) {
      return Status(Code::kNotFound,
                    std::string(secret ? "secret" : "configmap") + " \"" + name + "\" not found");
    }
    return data.status();
  }
  return writeKeys(dir, *data, source, defaultMode, ns + "/" + name, optional);
}

Status writeDownwardApi(const fs::path& dir, const json& source, int defaultMode,
                        const VolumeContext& ctx) {
  EnvContext env;
  env.pod = ctx.pod;
  for (const auto& item : source.value("items", json::array())) {
    if (!item.contains("fieldRef")) continue;  // resourceFieldRef is not modelled
    auto value = podFieldValue(item["fieldRef"].value("fieldPath", ""), env);
    if (!value.isOk()) return value.status();
    if (auto s = writeFile(dir / item.value("path", ""), *value, modeOf(item, "mode", defaultMode));
        !s.isOk()) {
      return s;
    }
  }
  return Status::ok();
}

Status writeProjected(const fs::path& dir, const json& projected, const VolumeContext& ctx) {
  const int defaultMode = modeOf(projected, "defaultMode", kDefaultMode);
  const json& meta = (*ctx.pod)["metadata"];
  for (const auto& source : projected.value("sources", json::array())) {
    Status s;
    if (source.contains("secret")) {
      s = writeObjectSource(dir, source["secret"], true, defaultMode, ctx);
    } else if (source.contains("configMap")) {
      s = writeObjectSource(dir, source["configMap"], false, defaultMode, ctx);
    } else if (source.contains("downwardAPI")) {
      s = writeDownwardApi(dir, source["downwardAPI"], defaultMode, ctx);
    } else if (source.contains("serviceAccountToken")) {
      const json& t = source["serviceAccountToken"];
      TokenRequestSpec req;
      req.ns = meta.value("namespace", "");
      req.serviceAccount = (*ctx.pod)["spec"].value("serviceAccountName", "default");
      req.audience = t.value("audience", "");
      req.expirationSeconds = t.value("expirationSeconds", int64_t{3607});
      req.podName = meta.value("name", "");
      req.podUid = meta.value("uid", "");
      auto token = ctx.issueToken(req);
      if (!token.isOk()) return token.status();
      s = writeFile(dir / t.value("path", "token"), *token, defaultMode);
    }
    if (!s.isOk()) return s;
  }
  return Status::ok();
}

}  // namespace

StatusOr<VolumeDirs> materialiseVolumes(const VolumeContext& ctx) {
  VolumeDirs dirs;
  for (const auto& volume : (*ctx.pod)["spec"].value("volumes", json::array())) {
    const std::string name = volume.value("name", "");
    if (volume.contains("hostPath")) {
      dirs[name] = {volume["hostPath"].value("path", ""), false};
      continue;
    }
    const fs::path dir = fs::path(ctx.podDir) / "volumes" / name;
    std::error_code ec;
    fs::remove_all(dir, ec);  // a restarted kubelet rewrites from scratch
    fs::create_directories(dir, ec);
    if (ec) return Status(Code::kInternal, "mkdir " + dir.string() + ": " + ec.message());
    Status s;
    if (volume.contains("emptyDir")) {
      // nothing to write
    } else if (volume.contains("secret")) {
      const json& src = volume["secret"];
      s = writeObjectSource(dir, src, true, modeOf(src, "defaultMode", kDefaultMode), ctx);
    } else if (volume.contains("configMap")) {
      const json& src = volume["configMap"];
      s = writeObjectSource(dir, src, false, modeOf(src, "defaultMode", kDefaultMode), ctx);
    } else if (volume.contains("projected")) {
      s = writeProjected(dir, volume["projected"], ctx);
    } else if (volume.contains("downwardAPI")) {
      const json& src = volume["downwardAPI"];
      s = writeDownwardApi(dir, src, modeOf(src, "defaultMode", kDefaultMode), ctx);
    } else {
      s = Status(Code::kInvalidArgument,
                 "volume " + name + ": type not supported by process-kubelet");
    }
    if (!s.isOk()) {
      return Status(s.code(),
                    "MountVolume.SetUp failed for volume \"" + name + "\" : " + s.message());
    }
    dirs[name] = {dir.string(), !volume.contains("emptyDir")};
  }
  return dirs;
}

StatusOr<std::vector<BindMount>> containerMounts(const json& container,
                                                 const VolumeDirs& volumeDirs) {
  std::vector<BindMount> mounts;
  for (const auto& m : container.value("volumeMounts", json::array())) {
    const std::string name = m.value("name", "");
    auto it = volumeDirs.find(name);
    if (it == volumeDirs.end()) {
      return Status(Code::kInvalidArgument, "volumeMount " + name + " names no pod volume");
    }
    std::string source = it->second.path;
    const std::string subPath = m.value("subPath", "");
    if (!subPath.empty()) source += "/" + subPath;
    mounts.push_back({source, m.value("mountPath", ""),
                      it->second.alwaysReadOnly || m.value("readOnly", false)});
  }
  return mounts;
}

}  // namespace processkubelet
