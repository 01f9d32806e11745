// The one registry: every node type the studio knows, listed explicitly.
// Add a node: write nodes/<area>/<name>.ts exporting `defineNode({...})` as default, import it
// here and add it to the list. A type id claimed twice throws at start-up.
import type { AnyNodeDef } from "../core/node/definition.ts";
import { createRegistry } from "../core/node/registry.ts";
import decode from "./generate/decode.ts";
import emptyLatent from "./generate/empty-latent.ts";
import extendVideo from "./generate/extend-video.ts";
import imageToVideo from "./generate/image-to-video.ts";
import latentFromFrames from "./generate/latent-from-frames.ts";
import { loadModelNode } from "./generate/load-model.ts";
import previewFrames from "./generate/preview-frames.ts";
import sampler from "./generate/sampler.ts";
import scheduler from "./generate/scheduler.ts";
import splitSigmas from "./generate/split-sigmas.ts";
import storyboard from "./generate/storyboard.ts";
import textEncode from "./generate/text-encode.ts";
import physicsGuidance from "./physics-nodes/physics-guidance.ts";
import physicsScene from "./physics-nodes/physics-scene.ts";
import sketchScene from "./physics-nodes/sketch-scene.ts";
import describeScene from "./physics-nodes/describe-scene.ts";
import physicsSimulate from "./physics-nodes/physics-simulate.ts";
import boolean from "./util/boolean.ts";
import float from "./util/float.ts";
import int from "./util/int.ts";
import intMath from "./util/int-math.ts";
import loadImage from "./media/load-image.ts";
import loadVideo from "./media/load-video.ts";
import reroute from "./util/reroute.ts";
import showValue from "./util/show-value.ts";
import string from "./util/string.ts";
import concatenateVideos from "./video/concatenate-videos.ts";
import frameInterpolation from "./video/frame-interpolation.ts";
import saveFrames from "./video/save-frames.ts";
import { loadUpscaleModelNode } from "./video/load-upscale-model.ts";
import upscaleFrames from "./video/upscale-frames.ts";
import upscaleWithModel from "./video/upscale-with-model.ts";
import videoWriter from "./video/video-writer.ts";
import { SHIPPED_MODELS } from "./model/roots.ts";

/**
 * Every built-in node. The loaders list and check pack names against `modelRoots` — pass the same
 * array as services.modelRoots (server/services.ts) so both see the same folders.
 */
export function builtinNodes(modelRoots: readonly string[] = [SHIPPED_MODELS]): AnyNodeDef[] {
  return [
    // generation
    loadModelNode(modelRoots),
    textEncode,
    emptyLatent,
    scheduler,
    splitSigmas,
    sampler,
    decode,
    previewFrames,
    latentFromFrames,
    imageToVideo,
    extendVideo,
    storyboard,
    // media in
    loadImage,
    loadVideo,
    // physics
    physicsScene,
    sketchScene,
    describeScene,
    physicsSimulate,
    physicsGuidance,
    // utils
    int,
    float,
    string,
    boolean,
    intMath,
    showValue,
    reroute,
    // video
    loadUpscaleModelNode(modelRoots),
    upscaleWithModel,
    upscaleFrames,
    frameInterpolation,
    concatenateVideos,
    videoWriter,
    saveFrames,
  ];
}

/** The built-in nodes over the shipped models/ only. */
export const registry = createRegistry(builtinNodes());
