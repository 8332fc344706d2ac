import { describe, expect, test } from "bun:test";
import type { Application } from "../../src/builder/image-extension.ts";
import { chooseLaunch } from "../../src/run/choose-launch.ts";

const apps: Application[] = [
  { name: "web", type: "kube", files: ["web.yaml"], version: "v1" },
  { name: "db", type: "helm", files: [], version: "v1" },
];
const none = { cmds: [], appNames: [], cmdArgs: [] };

describe("chooseLaunch: what a run launches, as sealer decides it", () => {
  test("nothing asked: the image's launch", () => {
    expect(chooseLaunch({ app_names: ["web"] }, apps, none)).toEqual({ app_names: ["web"] });
    expect(chooseLaunch(undefined, apps, none)).toEqual({});
  });

  test("the user's commands replace the image's launch entirely", () => {
    expect(chooseLaunch({ app_names: ["web"] }, apps, { ...none, cmds: ["kubectl get nodes"] })).toEqual({ cmds: ["kubectl get nodes"] });
  });

  test("app names pick the image's apps in the user's order; an unknown one is an error naming those there are", () => {
    expect(chooseLaunch({ cmds: ["x"] }, apps, { ...none, appNames: ["db", "web"] })).toEqual({ app_names: ["db", "web"] });
    expect(() => chooseLaunch(undefined, apps, { ...none, appNames: ["nope"] })).toThrow("app name nope is not found: the image has the apps web, db");
  });

  test("cmd_args fill $KEY and ${KEY} in the commands, not $KEYS; one nothing uses is an error", () => {
    const launch = chooseLaunch({ cmds: ["helm install $NAME ${CHART} --set x=$NAMES"] }, apps, { ...none, cmdArgs: ["NAME=web", "CHART=charts/web"] });
    expect(launch).toEqual({ cmds: ["helm install web charts/web --set x=$NAMES"] });
    expect(() => chooseLaunch({ cmds: ["echo $A"] }, apps, { ...none, cmdArgs: ["B=1"] })).toThrow("cmd_args B: no launch command mentions $B (echo $A)");
    expect(() => chooseLaunch({ app_names: ["web"] }, apps, { ...none, cmdArgs: ["B=1"] })).toThrow("this run launches apps (web), not commands");
    // a value is used as written, even with $ in it
    expect(chooseLaunch({ cmds: ["echo $A"] }, apps, { ...none, cmdArgs: ["A=$$1"] })).toEqual({ cmds: ["echo $$1"] });
  });
});
