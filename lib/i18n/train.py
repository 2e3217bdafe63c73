"""Texts of /train (app_pages/train.py).

The page's own, why a layer stack cannot be built, the budget of a run and the statuses a
fault gives a run.

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
    # Why a layer stack cannot be built (`lib.layer_stack.StackError`).
    "train.stack.error.empty": (
        "The model has no layers. Add layers, ending with Dense(10, softmax).",
        "模型没有任何层。请添加网络层，并以 Dense(10, softmax) 结尾。",
    ),
    "train.stack.error.too_many_layers": (
        "The model has {count} layers, more than the limit of {limit}.",
        "模型有 {count} 层，超过上限 {limit} 层。",
    ),
    "train.stack.error.unknown_type": (
        "Layer {index}: unknown layer type {layer_type!r}. Expected one of {known}.",
        "第 {index} 层：未知的层类型 {layer_type!r}。可用的类型：{known}。",
    ),
    "train.stack.error.bad_number": (
        "Layer {index} ({layer_type}): {argument} must be a whole number from {low} to {high}. "
        "Received {value}.",
        "第 {index} 层（{layer_type}）：{argument} 必须是 {low} 到 {high} 之间的整数。"
        "收到的是 {value}。",
    ),
    "train.stack.error.bad_rate": (
        "Layer {index} ({layer_type}): the dropout rate must be at least 0 and below 1. "
        "Received {value}.",
        "第 {index} 层（{layer_type}）：丢弃率必须大于等于 0 且小于 1。收到的是 {value}。",
    ),
    "train.stack.error.bad_choice": (
        "Layer {index} ({layer_type}): {argument} must be one of {choices}. Received {value}.",
        "第 {index} 层（{layer_type}）：{argument} 必须是 {choices} 之一。收到的是 {value}。",
    ),
    "train.stack.error.bad_query": (
        "Layer {index} in the link cannot be read: {part!r}.",
        "链接中的第 {index} 层无法读取：{part!r}。",
    ),
    "train.stack.error.shrinks": (
        "Layer {index} ({layer_type}) would shrink the {height} x {width} image below 1 x 1 "
        "(its window is {size} x {size}). Remove a pooling layer, use a smaller window, or "
        "use padding 'same'.",
        "第 {index} 层（{layer_type}）会把 {height} x {width} 的图像缩小到 1 x 1 以下"
        "（窗口为 {size} x {size}）。请删掉一个池化层、缩小窗口，或使用 'same' 填充。",
    ),
    "train.stack.error.after_flatten": (
        "Layer {index} ({layer_type}) needs an image (height x width x channels), but it comes "
        "after Flatten, which turned the image into a flat list of {size:,} numbers. Move it "
        "before Flatten.",
        "第 {index} 层（{layer_type}）需要图像输入（高 x 宽 x 通道），但它位于 Flatten 之后，"
        "图像已被展平成 {size:,} 个数。请把它移到 Flatten 之前。",
    ),
    "train.stack.error.needs_flatten": (
        "Layer {index} (Dense) receives an image of shape {shape}. Add a Flatten layer before "
        "the first Dense layer.",
        "第 {index} 层（Dense）收到的是形状为 {shape} 的图像。请在第一个 Dense 层之前添加 "
        "Flatten 层。",
    ),
    "train.stack.error.output": (
        "The last layer must be Dense(10, softmax): one probability for each digit. The model "
        "ends with {last}.",
        "最后一层必须是 Dense(10, softmax)：每个数字一个概率。当前模型以 {last} 结尾。",
    ),
    "train.stack.error.too_big": (
        "The model has {parameters:,} parameters, more than the limit of {limit:,} for training "
        "here. Use fewer filters or units, or more pooling before Flatten.",
        "模型有 {parameters:,} 个参数，超过此处训练的上限 {limit:,}。请减少卷积核或神经元数量，"
        "或在 Flatten 之前多做池化。",
    ),
    # The /train page.
    "train.title": ("Train a model", "训练模型"),
    "train.intro": (
        "Build a network layer by layer, pick the optimizer, and watch it learn: a Keras "
        "callback reports every epoch. Training runs on the server, so you can click around, "
        "switch pages or reload while it runs. The link in the address bar reproduces this "
        "setup.",
        "逐层搭建网络、选择优化器，然后看它学习：Keras 回调会报告每一轮的结果。训练在服务器上"
        "进行，训练期间可以随意点击、切换页面或刷新。地址栏中的链接可以复现当前设置。",
    ),
    "train.link.ignored": (
        "Some settings in the link could not be read and were reset: {names}.",
        "链接中的部分设置无法读取，已恢复默认：{names}。",
    ),
    "train.tab.model": ("Model", "模型"),
    "train.tab.training": ("Training", "训练设置"),
    "train.preset": ("Start from", "从预设开始"),
    "train.preset.tutorial_cnn": ("The tutorial's CNN (935,562 parameters)",
                                  "教程中的 CNN（935,562 个参数）"),
    "train.preset.small_cnn": ("A small, fast CNN", "小而快的 CNN"),
    "train.preset.mlp": ("A multilayer perceptron (no convolutions)", "多层感知机（无卷积）"),
    "train.layer.shape": ("output {shape}, {params} parameters", "输出 {shape}，{params} 个参数"),
    "train.layer.up": ("Move up", "上移"),
    "train.layer.down": ("Move down", "下移"),
    "train.layer.remove": ("Remove", "删除"),
    "train.layer.type": ("New layer", "新的层"),
    "train.layer.add": ("Add layer", "添加层"),
    "train.stack.ok": (
        "The model is valid: input (28, 28, 1), output (10,), {params} parameters.",
        "模型有效：输入 (28, 28, 1)，输出 (10,)，共 {params} 个参数。",
    ),
    "train.code": ("The same model in Keras code", "同一个模型的 Keras 代码"),
    "train.code.sequential": ("Sequential list", "Sequential 列表"),
    "train.code.add": ("model.add()", "model.add()"),
    "train.code.functional": ("Functional (Input)", "函数式（Input）"),
    "train.optimizer": ("Optimizer", "优化器"),
    "train.loss": (
        "Loss: sparse categorical cross-entropy (labels are digits 0-9); metric: accuracy.",
        "损失函数：稀疏分类交叉熵（标签为数字 0-9）；评估指标：准确率。",
    ),
    "train.epochs": ("Epochs", "训练轮数"),
    "train.batch_size": ("Batch size", "批大小"),
    "train.validation_split": ("Validation split", "验证集比例"),
    "train.data": ("Data", "数据"),
    "train.data.embedded": ("Offline set (5,000 digits)", "离线数据（5,000 张）"),
    "train.data.keras": ("Full MNIST (70,000)", "完整 MNIST（70,000 张）"),
    "train.data.npz": ("My mnist.npz", "我的 mnist.npz"),
    "train.data.keras_unavailable": (
        "The full MNIST is not cached here and its server cannot be reached. Use the offline "
        "set or upload an mnist.npz.",
        "本机没有缓存完整的 MNIST，也无法连接到它的服务器。请使用离线数据或上传 mnist.npz。",
    ),
    "train.data.upload": ("Upload mnist.npz (Keras's format)", "上传 mnist.npz（Keras 格式）"),
    "train.data.upload_first": ("Upload an mnist.npz to train on it.",
                                "请先上传 mnist.npz 再用它训练。"),
    "train.train_size": ("Training digits (0 = all)", "训练样本数（0 = 全部）"),
    "train.train_size_help": (
        "A stratified subset, for quick classroom runs; the validation split is taken from it.",
        "按类别分层抽取的子集，便于课堂上快速训练；验证集从中划分。",
    ),
    "train.augment": ("Augmentation", "数据增强"),
    "train.augment_help": (
        "Random small rotations, shifts, zoom and stroke thickness, as handwriting varies.",
        "随机的小角度旋转、平移、缩放和笔画粗细变化，模拟手写的差异。",
    ),
    "train.start": ("Train", "开始训练"),
    "train.stop": ("Stop", "停止"),
    "train.live.title": ("Run {name}", "训练 {name}"),
    "train.live.queued": (
        "Waiting in the queue: place {position} ({running} training running on this server).",
        "正在排队：第 {position} 位（服务器上有 {running} 个训练正在进行）。",
    ),
    "train.live.progress": (
        "Epoch {epoch}/{epochs}, step {step}/{steps}: {rate} samples/s, {left} left",
        "第 {epoch}/{epochs} 轮，第 {step}/{steps} 步：每秒 {rate} 个样本，剩余 {left}",
    ),
    "train.live.gallery": (
        "The model's guesses for ten fixed test digits after epoch {epoch}:",
        "第 {epoch} 轮之后，模型对十个固定测试数字的判断：",
    ),
    "train.chart.loss": ("Loss", "损失"),
    "train.chart.accuracy": ("Accuracy", "准确率"),
    "train.chart.epoch": ("Epoch", "轮次"),
    "train.chart.train": ("training", "训练集"),
    "train.chart.validation": ("validation", "验证集"),
    "train.failed": ("Training failed: {error}", "训练失败：{error}"),
    "train.cancelled": ("The run was cancelled before it finished.", "训练在完成前被取消了。"),
    "train.stopped": (
        "Stopped after {epochs} epoch(s): the model keeps what it learned so far.",
        "已在第 {epochs} 轮后停止：模型保留了目前学到的内容。",
    ),
    "train.added": (
        "The model {name} is now selected in the sidebar: try it on Recognize.",
        "模型 {name} 已在侧边栏中选中：去“识别”页面试试吧。",
    ),
    "train.use": ("Use {name} on every page", "在所有页面使用 {name}"),
    "train.result.accuracy": ("Test accuracy", "测试准确率"),
    "train.result.seconds": ("Training time", "训练时间"),
    "train.result.epochs": ("Epochs", "训练轮数"),
    "train.result.mistakes": ("The test digits it got most confidently wrong",
                              "模型最有把握却判断错误的测试数字"),
    "train.result.mistake": ("{label} read as {guess} ({confidence})",
                             "{label} 被认成 {guess}（{confidence}）"),
    "train.download": ("Download {suffix}", "下载 {suffix}"),
    # A time (lib.ui.train_state.describe_seconds).
    "train.time.seconds": ("{seconds} s", "{seconds} 秒"),
    "train.time.minutes": ("{minutes} min", "{minutes} 分钟"),
    "train.time.minutes_seconds": ("{minutes} min {seconds} s", "{minutes} 分 {seconds} 秒"),
    "train.download.saved_model": ("Download SavedModel", "下载 SavedModel"),
    "train.download.saved_model_help": (
        "A .zip for TensorFlow Serving. Unzip it and point TensorFlow Serving at the folder "
        "{name}: it holds version 1 "
        "(saved_model.pb and variables/). Signature serving_default: input images, float32 "
        "(None, 28, 28, 1) in [0, 1], bright ink on black; output (None, 10) probabilities.",
        "供 TensorFlow Serving 使用的 .zip。解压后把 TensorFlow Serving 指向文件夹 {name}：其中是版本 1（saved_model.pb 和 "
        "variables/）。签名 serving_default：输入 images，float32 (None, 28, 28, 1)，取值 [0, 1]，"
        "黑底亮色笔迹；输出 (None, 10) 各数字的概率。",
    ),
    "train.save.name": ("Name", "名称"),
    "train.save": ("Save into models/", "保存到 models/"),
    "train.saved": ("Saved as {path}.", "已保存为 {path}。"),
    "train.runs": ("Runs", "训练记录"),
    "train.runs.none.class": ("No runs yet: train a model to see it here.",
                        "还没有训练记录：训练一个模型后会显示在这里。"),
    "train.runs.scope": ("Show", "显示"),
    "train.runs.scope.mine": ("My runs", "我的训练"),
    "train.runs.scope.class": ("The whole class", "全班"),
    "train.runs.none.mine": ("You have no runs on this server yet: train a model to see it here.",
                             "你在这台服务器上还没有训练记录：训练一个模型，它就会出现在这里。"),
    "train.runs.column.when": ("When", "时间"),
    "train.runs.column.accuracy": ("Test accuracy", "测试准确率"),
    "train.runs.manage": ("Rename or delete my runs", "重命名或删除我的训练"),
    "train.runs.manage.run": ("Run", "训练"),
    "train.runs.rename.name": ("New name (the whole class sees it)", "新名称（全班都能看到）"),
    "train.runs.rename": ("Rename", "重命名"),
    "train.runs.delete": ("Delete run #{id}", "删除训练 #{id}"),
    "train.runs.renamed": ("Run #{id} renamed.", "训练 #{id} 已重命名。"),
    "train.runs.deleted": ("Run #{id} deleted (a model file saved from it stays).",
                           "训练 #{id} 已删除（由它保存的模型文件仍然保留）。"),
    "train.runs.gone": ("Run #{id} is no longer there: it was deleted meanwhile.",
                        "训练 #{id} 已不存在：它刚刚被删除了。"),
    "train.runs.column.run": ("Run", "训练"),
    "train.runs.column.status": ("Status", "状态"),
    "train.runs.column.epochs": ("Epochs", "轮数"),
    "train.runs.column.seconds": ("Time", "用时"),
    "train.runs.column.params": ("Parameters", "参数"),
    "train.runs.column.model": ("Model file", "模型文件"),
    "train.runs.pick": ("Compare the learning curves of", "比较这些训练的学习曲线"),
    "train.status.running": ("running", "进行中"),
    "train.status.done": ("done", "完成"),
    "train.status.stopped": ("stopped", "已停止"),
    "train.status.failed": ("failed", "失败"),
    "train.status.cancelled": ("cancelled", "已取消"),
    # A /train run over the budget (`lib.training.BudgetError`), and its estimate.
    "train.budget.memory": (
        "A training step of this model at batch size {batch_size:,} needs about {step_mb:,.0f} "
        "MB ({activations:,} values per digit, kept for the backward pass), more than the "
        "limit of {limit_mb:,.0f} MB per step on this server. Use a batch size of at most "
        "{largest:,}, or fewer filters, smaller feature maps (pool earlier) or fewer units.",
        "该模型在批大小 {batch_size:,} 时，一个训练步骤约需 {step_mb:,.0f} MB（每个数字 "
        "{activations:,} 个中间值，需为反向传播保留），超过本服务器每步 {limit_mb:,.0f} MB 的上限。"
        "请把批大小设为不超过 {largest:,}，或减少卷积核、缩小特征图（更早池化）或减少神经元。",
    ),
    "train.budget.time": (
        "This run would take up to about {minutes:,.0f} min on this server ({samples:,} digits "
        "x {epochs} epochs, {mflops:,.1f} million operations per digit), more than the limit of "
        "{limit_minutes:,.0f} min per run. Train at most {largest} epochs, on fewer digits, or a "
        "smaller model.",
        "这次训练在本服务器上最多约需 {minutes:,.0f} 分钟（{samples:,} 个数字 x {epochs} 轮，每个数字 "
        "{mflops:,.1f} 百万次运算），超过每次训练 {limit_minutes:,.0f} 分钟的上限。请把训练轮数设为"
        "不超过 {largest}，或减少训练数字，或使用更小的模型。",
    ),
    "train.budget.time_epoch": (
        "This run would take up to about {minutes:,.0f} min on this server ({samples:,} digits "
        "x {epochs} epochs, {mflops:,.1f} million operations per digit), more than the limit of "
        "{limit_minutes:,.0f} min per run, and even one epoch is too long. Train on at most "
        "{largest:,} digits, or use a smaller model (fewer filters, more pooling).",
        "这次训练在本服务器上最多约需 {minutes:,.0f} 分钟（{samples:,} 个数字 x {epochs} 轮，每个数字 "
        "{mflops:,.1f} 百万次运算），超过每次训练 {limit_minutes:,.0f} 分钟的上限，连一轮都太长。"
        "请把训练数字减少到不超过 {largest:,} 个，或使用更小的模型（更少卷积核、更多池化）。",
    ),
    "train.budget.estimate": (
        "Estimated on this server: up to {time}, about {step_mb:,.0f} MB per training step "
        "(limits: {limit_time} per run, {limit_mb:,.0f} MB per step).",
        "在本服务器上的估计：最多 {time}，每个训练步骤约 {step_mb:,.0f} MB"
        "（上限：每次训练 {limit_time}，每步 {limit_mb:,.0f} MB）。",
    ),
    # Statuses a fault gives a run (lib/runs.py, lib/jobs.py).
    "train.status.interrupted": ("interrupted", "已中断"),
    "train.status.timed_out": ("time limit", "超时停止"),
}
