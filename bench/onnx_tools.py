"""ONNX helpers for the bench (needs only the `onnx` package: Debian's python3-onnx).

  probe MODEL OUT_DIR [--batch 2]  writes OUT_DIR/probe.onnx, the model with every MatMul / Gemm /
                                   Conv / ConvTranspose operand exposed as a graph output, and
                                   OUT_DIR/ops.json listing those ops, their attributes and the
                                   shapes already known (initializers, static shape inference).
                                   Shapes that depend on computed Reshapes (attention) are read
                                   by running probe.onnx once in onnxruntime-node.
  check                            exits 0 when `onnx` imports (the bench skips figure 7 otherwise).
  matmul N OUT                     writes a model computing A @ B for two float32 N×N inputs, to
                                   time the machine's matmul rate in onnxruntime-node itself.
"""
import json
import os
import sys

import onnx
from onnx import TensorProto, helper, shape_inference

COUNTED = ("MatMul", "Gemm", "Conv", "ConvTranspose")


def dims_of(value_info):
    shape = value_info.type.tensor_type.shape
    out = [d.dim_value if d.HasField("dim_value") else None for d in shape.dim]
    return out if out and all(d is not None for d in out) else None


def probe(model_path, out_dir, batch):
    model = onnx.load(model_path)
    for inp in model.graph.input:
        for d in inp.type.tensor_type.shape.dim:
            if d.dim_param:
                d.ClearField("dim_param")
                d.dim_value = batch
    bare = onnx.ModelProto()
    bare.CopyFrom(model)
    bare.graph.ClearField("value_info")  # the exporter's symbolic "batch" shapes would shadow the concrete ones
    inferred = shape_inference.infer_shapes(bare, data_prop=True)
    elem = {}
    static = {}
    for v in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        elem[v.name] = v.type.tensor_type.elem_type
        d = dims_of(v)
        if d is not None:
            static[v.name] = d
    for init in model.graph.initializer:
        static[init.name] = list(init.dims)
    initializers = {i.name for i in model.graph.initializer}
    existing = {o.name for o in model.graph.output}

    ops, exposed = [], []
    for node in model.graph.node:
        if node.op_type not in COUNTED:
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute if a.name in ("transA", "transB", "group")}
        tensors = [t for t in list(node.input[:2]) + [node.output[0]] if t]
        ops.append({"op": node.op_type, "name": node.name, "inputs": list(node.input[:2]), "output": node.output[0], "attrs": attrs})
        for t in tensors:
            if t in initializers or t in existing or t in exposed:
                continue
            exposed.append(t)
    for t in exposed:
        model.graph.output.append(helper.make_tensor_value_info(t, elem.get(t, TensorProto.FLOAT) or TensorProto.FLOAT, None))
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "probe.onnx"))
    unresolved = sorted({t for op in ops for t in op["inputs"] + [op["output"]] if t and t not in static})
    with open(os.path.join(out_dir, "ops.json"), "w") as f:
        json.dump({"batch": batch, "ops": ops, "static": {k: v for k, v in static.items() if any(k in op["inputs"] + [op["output"]] for op in ops)}, "unresolved_by_shape_inference": unresolved, "onnx": onnx.__version__}, f)


def matmul(n, out):
    a = helper.make_tensor_value_info("A", TensorProto.FLOAT, [n, n])
    b = helper.make_tensor_value_info("B", TensorProto.FLOAT, [n, n])
    c = helper.make_tensor_value_info("C", TensorProto.FLOAT, [n, n])
    graph = helper.make_graph([helper.make_node("MatMul", ["A", "B"], ["C"])], "matmul", [a, b], [c])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "check":
        print(onnx.__version__)
    elif cmd == "probe":
        batch = int(sys.argv[sys.argv.index("--batch") + 1]) if "--batch" in sys.argv else 2
        probe(sys.argv[2], sys.argv[3], batch)
    elif cmd == "matmul":
        matmul(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(__doc__)
