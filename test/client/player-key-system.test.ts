/**
 * The warmed key system's configuration (client/src/player/key-system.ts): the
 * codecs a master lists, split into video and audio capabilities, each once.
 * (That the player takes the warmed access is the browser suite's: drm.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { keySystemConfigurations } from "../../client/src/player/key-system.ts";

describe("keySystemConfigurations", () => {
  it("asks for each codec of the master once, video and audio apart, for temporary sessions", () => {
    const [config] = keySystemConfigurations(["avc1.64001f,mp4a.40.2", "avc1.64001f,mp4a.40.2", "av01.0.05M.08, mp4a.40.2", "avc1.640028"]);
    expect(config!.videoCapabilities).toEqual([{ contentType: 'video/mp4; codecs="avc1.64001f"' }, { contentType: 'video/mp4; codecs="av01.0.05M.08"' }, { contentType: 'video/mp4; codecs="avc1.640028"' }]);
    expect(config!.audioCapabilities).toEqual([{ contentType: 'audio/mp4; codecs="mp4a.40.2"' }]);
    expect(config!.sessionTypes).toEqual(["temporary"]);
    expect(config!.initDataTypes).toContain("keyids");
  });

  it("leaves out a kind of capability the master does not list", () => {
    const [config] = keySystemConfigurations(["avc1.64001f"]);
    expect(config!.audioCapabilities).toBeUndefined();
    expect(keySystemConfigurations([])[0]!.videoCapabilities).toBeUndefined();
  });
});
