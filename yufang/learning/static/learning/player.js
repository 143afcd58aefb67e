// The lesson player: reports what it sees to the server every few seconds; the server decides
// what is credited. Nothing here is trusted: it only keeps the learner informed and the video
// where the server says it may be.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("player-cfg").textContent);
  const video = document.getElementById("media");
  const $ = (id) => document.getElementById(id);
  const API = "/api/v1/learning";
  // The login session ends after 30 minutes without a page request, and heartbeats do not count
  // as one: while someone is studying the player keeps the login alive, and only then.
  const KEEP_ALIVE_MS = 5 * 60 * 1000;
  let token = null;
  let seq = 0;
  let furthestMs = 0;
  let timer = null;
  let stopped = false;
  let checkPending = null;
  let playedSinceBeat = false; // the media played at some point since the last beat
  let reading = 0; // documents and texts: seconds read while visible
  let readTick = null;
  let inFlight = Promise.resolve();
  let studiedSinceKeepAlive = false;
  let keepAliveTimer = null;

  function deviceId() {
    let id = localStorage.getItem("yf-device");
    if (!id) {
      id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
      localStorage.setItem("yf-device", id);
    }
    return id;
  }

  function notice(text, level) {
    const el = $("notice");
    el.textContent = text;
    el.className = "alert alert-" + (level || "warning") + (text ? "" : " d-none");
  }

  function show(result) {
    $("credited").textContent = Math.floor(result.lesson_credited_ms / 1000);
    $("bar").style.width = Math.min(100, (result.lesson_credited_ms * 100) / result.lesson_required_ms) + "%";
    $("status").textContent = "最近一次：" + result.verdict_label + (result.credited_ms ? "（" + (result.credited_ms / 1000).toFixed(1) + " 秒）" : "");
    if (result.lesson_completed) $("done").classList.remove("d-none");
  }

  function position() {
    return video ? video.currentTime : reading;
  }

  function playing() {
    if (video) return playedSinceBeat || !video.paused;
    return document.visibilityState === "visible" && !checkPending;
  }

  async function post(url, body, headers) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "application/json" }, headers),
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || "网络错误");
    return data;
  }

  function beat(overrides) {
    if (!token || stopped) return inFlight;
    const body = Object.assign(
      { seq: ++seq, position: position(), rate: video ? video.playbackRate : 1, visible: document.visibilityState === "visible", playing: playing() },
      overrides || {}
    );
    if (body.visible && body.playing && !checkPending) studiedSinceKeepAlive = true;
    playedSinceBeat = video ? !video.paused : false;
    inFlight = inFlight
      .then(() => post(API + "/beat", body, { "X-Learning-Token": token }))
      .then((result) => (stopped ? undefined : handle(result)))
      // A beat still on its way when the player stopped must not replace the reason it stopped.
      .catch((e) => stopped || notice("心跳发送失败：" + e.message + "，稍后自动重试。"));
    return inFlight;
  }

  function handle(result) {
    furthestMs = Math.max(furthestMs, result.furthest_ms);
    show(result);
    if (result.taken_over) {
      stopped = true;
      clearInterval(timer);
      if (video) video.pause();
      notice("您已在其他设备或页面开始学习，本页面已停止计时。刷新本页可在此继续。", "danger");
      return;
    }
    if (result.seek_to_ms !== null && result.seek_to_ms !== undefined) {
      if (video) video.currentTime = result.seek_to_ms / 1000;
      notice("不能拖动到尚未学习的位置，已回到您学到的地方。");
    }
    if (result.check && !checkPending) askCheck(result.check);
  }

  async function keepAlive() {
    if (stopped || !studiedSinceKeepAlive) return;
    studiedSinceKeepAlive = false;
    let response;
    try {
      response = await fetch(cfg.keepAliveUrl, { credentials: "same-origin", cache: "no-store", redirect: "manual" });
    } catch (e) {
      return; // the network, not the login: the next call tries again
    }
    // Without a login the answer is a redirect to the login page (opaque here) or a refusal.
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) loggedOut();
  }

  function loggedOut() {
    stopped = true;
    clearInterval(timer);
    clearInterval(keepAliveTimer);
    if (video) video.pause();
    checkPending = null;
    closeCheck();
    notice("登录已失效（长时间未操作或已在其他页面退出），本页面已停止计时。请重新登录后继续学习。", "danger");
    const link = document.createElement("a");
    link.href = cfg.loginUrl;
    link.className = "alert-link ms-1";
    link.textContent = "重新登录";
    $("notice").append(link);
  }

  // Bootstrap ignores hide() while the dialog is still fading in, so a quick answer waits for
  // the dialog to be shown before closing it; otherwise it would stay open with nothing to answer.
  let checkShown = false;
  $("check").addEventListener("shown.bs.modal", () => {
    checkShown = true;
    if (!checkPending) closeCheck();
  });
  $("check").addEventListener("hidden.bs.modal", () => {
    checkShown = false;
    // A new check that came while the dialog was fading out was ignored by Bootstrap.
    if (checkPending && !stopped) bootstrap.Modal.getOrCreateInstance($("check")).show();
  });

  function closeCheck() {
    if (checkShown) bootstrap.Modal.getOrCreateInstance($("check")).hide();
  }

  function askCheck(nonce) {
    checkPending = nonce;
    if (video) video.pause();
    bootstrap.Modal.getOrCreateInstance($("check")).show();
  }

  function resume() {
    closeCheck();
    notice("");
    if (video && !stopped) video.play();
  }

  let answering = false;
  $("check-btn").addEventListener("click", async () => {
    if (answering) return; // a second click while the answer is on its way
    if (!checkPending) return resume(); // already answered: only the dialog was left open
    answering = true;
    $("check-btn").disabled = true;
    try {
      await post(API + "/check", { answer: checkPending }, { "X-Learning-Token": token });
      checkPending = null;
      resume();
    } catch (e) {
      notice(e.message);
    } finally {
      answering = false;
      $("check-btn").disabled = false;
    }
  });

  async function start() {
    try {
      const s = await post(API + "/sessions", { lesson_id: cfg.lessonId, device_id: deviceId() }, { "X-CSRFToken": cfg.csrf });
      token = s.token;
      furthestMs = s.resume_ms;
      reading = s.resume_ms / 1000;
      if (video) {
        const seekToResume = () => { video.currentTime = Math.min(s.resume_ms, s.duration_ms) / 1000; };
        if (video.readyState >= 1) seekToResume(); else video.addEventListener("loadedmetadata", seekToResume, { once: true });
      }
      show({ lesson_credited_ms: s.credited_ms, lesson_required_ms: s.required_ms, verdict_label: "已连接", credited_ms: 0, lesson_completed: s.credited_ms >= s.required_ms });
      $("status").dataset.ready = "1";
      if (s.check) askCheck(s.check);
      timer = setInterval(beat, cfg.beatSeconds * 1000);
      keepAliveTimer = setInterval(keepAlive, KEEP_ALIVE_MS);
    } catch (e) {
      notice("无法开始学习：" + e.message, "danger");
    }
  }

  if (video) {
    video.addEventListener("play", () => { playedSinceBeat = true; });
    // Report the played stretch before the pause, then the pause itself.
    video.addEventListener("pause", () => { if (!video.seeking) beat({ playing: true }); });
    video.addEventListener("ended", () => beat({ playing: true }));
    video.addEventListener("seeked", () => {
      // The server decides; the player only asks at once instead of waiting for the next beat.
      if (video.currentTime * 1000 > furthestMs + 3000) beat();
    });
  } else {
    readTick = setInterval(() => {
      if (document.visibilityState === "visible" && !checkPending && !stopped) reading = Math.min(reading + 1, cfg.durationMs / 1000);
    }, 1000);
  }
  document.addEventListener("visibilitychange", () => {
    // The stretch before hiding was seen; from now on nothing counts until the page is back.
    if (document.visibilityState === "hidden") beat({ visible: true });
  });
  window.addEventListener("pagehide", () => { if (readTick) clearInterval(readTick); });
  start();
})();
