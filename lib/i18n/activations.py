"""Texts of /activations (app_pages/activations.py).

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
    "activations.title": ("Activation functions", "激活函数"),
    "activations.intro": (
        "The real keras.activations functions (solid) and their derivatives (dashed), "
        "computed by automatic differentiation with tf.GradientTape, as Keras does when it "
        "trains.",
        "真实的 keras.activations 函数（实线）及其导数（虚线）。导数由 tf.GradientTape 自动微分得到，"
        "与 Keras 训练时的计算方式相同。",
    ),
    "activations.pick": ("Functions to compare", "要比较的函数"),
    "activations.range": ("x range", "x 范围"),
    "activations.derivative": ("Show derivatives", "显示导数"),
    "activations.arguments": ("Arguments of {name}", "{name} 的参数"),
    "activations.alpha_note": (
        "Keras 2 called relu's negative_slope `alpha`: relu(x, alpha=0.0, max_value=None, "
        "threshold=0.0).",
        "Keras 2 把 relu 的 negative_slope 称为 `alpha`：relu(x, alpha=0.0, max_value=None, "
        "threshold=0.0)。",
    ),
    "activations.pick_one": ("Pick at least one function.", "请至少选择一个函数。"),
    "activations.value": ("f(x)", "f(x)"),
    "activations.slope": ("f'(x)", "f'(x)"),
    "activations.facts": ("What the derivatives say", "导数告诉我们什么"),
    "activations.fact.name": ("Function", "函数"),
    "activations.fact.slope_at_zero": ("f'(0)", "f'(0)"),
    "activations.fact.max_slope": ("Largest |f'|", "最大 |f'|"),
    "activations.fact.flat_share": ("Share of the plot where |f'| < 0.01", "图中 |f'| < 0.01 的比例"),
    "activations.fact.chain": ("Largest |f'| ^ 10 (10 layers)", "最大 |f'| 的 10 次方（10 层）"),
    "activations.explain.saturation": (
        "**Saturation.** Where a curve goes flat, its derivative is near 0: sigmoid and tanh "
        "saturate on both sides, so a large input barely changes the output and barely learns. "
        "The table's share column measures how much of the plot is flat.",
        "**饱和。** 曲线变平的地方导数接近 0：sigmoid 和 tanh 在两侧都会饱和，输入很大时输出几乎不变，"
        "也几乎学不到东西。表中的比例一列衡量图中有多少部分是平的。",
    ),
    "activations.explain.vanishing": (
        "**Vanishing gradients.** Backpropagation multiplies one derivative per layer. "
        "sigmoid's largest slope is 0.25, so through 10 layers the gradient shrinks to at most "
        "0.25 ^ 10 ≈ 0.000001 (the last column); relu's slope is 1 for positive inputs, so it "
        "does not shrink.",
        "**梯度消失。** 反向传播每经过一层就乘上一个导数。sigmoid 的最大斜率是 0.25，经过 10 层后梯度"
        "最多剩下 0.25 ^ 10 ≈ 0.000001（最后一列）；relu 对正输入的斜率是 1，梯度不会缩小。",
    ),
    "activations.explain.dead": (
        "**Dead ReLUs.** relu's derivative is exactly 0 for every negative input: a unit whose "
        "input is always negative never updates again. A negative_slope (leaky_relu), elu or "
        "gelu keep a small slope there.",
        "**ReLU 死亡。** relu 对所有负输入的导数恰好是 0：输入总为负的单元再也不会更新。"
        "negative_slope（leaky_relu）、elu 或 gelu 在那里保留一个小斜率。",
    ),
    "activations.softmax.title": ("Softmax: logits to probabilities", "Softmax：从 logits 到概率"),
    "activations.softmax.intro": (
        "softmax(x, axis) turns scores (logits) into probabilities that sum to 1 along axis. "
        "Edit the logits: each row could be one digit's ten scores. Dividing by a temperature "
        "above 1 flattens the probabilities; below 1 sharpens them.",
        "softmax(x, axis) 把得分（logits）变成沿 axis 方向和为 1 的概率。编辑下面的 logits："
        "每一行可以看作一个数字的十个得分。除以大于 1 的温度会让概率更平均，小于 1 会更尖锐。",
    ),
    "activations.softmax.logits": ("Logits (2 rows x 10 classes)", "Logits（2 行 x 10 类）"),
    "activations.softmax.temperature": ("Temperature", "温度"),
    "activations.softmax.axis": ("axis", "axis"),
    "activations.softmax.axis.-1": ("axis=-1: each row sums to 1", "axis=-1：每一行和为 1"),
    "activations.softmax.axis.0": ("axis=0: each column sums to 1", "axis=0：每一列和为 1"),
    "activations.softmax.code": ("keras.activations.softmax(logits / {temperature:g}, axis={axis})",
                                 "keras.activations.softmax(logits / {temperature:g}, axis={axis})"),
    "activations.softmax.probabilities": ("Probabilities", "概率"),
    "activations.softmax.sums": ("Sums along axis={axis}: {sums}", "沿 axis={axis} 的和：{sums}"),
    "activations.softmax.row": ("row {index}", "第 {index} 行"),
    "activations.softmax.class": ("class", "类别"),
    "activations.softmax.invalid": ("Every logit must be a number.", "每个 logit 都必须是数字。"),
}
